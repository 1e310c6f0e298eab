import { type EnvelopeOptions } from './envelope';

export * from './generated/caredispatch/events/v1/envelope_pb';
export * from './generated/caredispatch/ehr/appointment/v1/appointment_pb';
export * from './generated/caredispatch/scheduling/appointment/v1/appointment_pb';
export * from './generated/caredispatch/messaging/message/v1/message_pb';
export * from './topics';
/**
 * @deprecated Clocks are not contracts: use `Clock` from @caredispatch/platform. Kept only
 * until libs/kafka stops importing it (libs/kafka cannot depend on libs/platform).
 */
export type Clock = NonNullable<EnvelopeOptions['clock']>;
export * from './errors';
export * from './event-registry';
export * from './envelope';
export { isUuid } from './validation';
// Re-exported so services build messages and timestamps without importing protobuf-es directly.
export { create, toBinary, fromBinary } from '@bufbuild/protobuf';
export { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
