export * from './generated/caredispatch/events/v1/envelope_pb';
export * from './generated/caredispatch/ehr/appointment/v1/appointment_pb';
export * from './generated/caredispatch/ehr/slot/v1/slot_pb';
export * from './generated/caredispatch/scheduling/appointment/v1/appointment_pb';
export * from './generated/caredispatch/messaging/message/v1/message_pb';
export * from './generated/caredispatch/messaging/response/v1/response_pb';
export * from './generated/caredispatch/audit/access/v1/access_pb';
export * from './generated/caredispatch/audit/treehead/v1/tree_head_pb';
export * from './generated/caredispatch/dispatch/plan/v1/plan_pb';
export * from './generated/caredispatch/dispatch/reschedule/v1/reschedule_pb';
export * from './generated/caredispatch/dispatch/itinerary/v1/itinerary_pb';
export * from './topics';
export * from './errors';
export * from './event-registry';
export * from './envelope';
export { isUuid } from './validation';
// Re-exported so services build messages and timestamps without importing protobuf-es directly.
export { create, toBinary, fromBinary } from '@bufbuild/protobuf';
export { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
