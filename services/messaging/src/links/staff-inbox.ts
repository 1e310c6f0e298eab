import { randomUUID } from 'node:crypto';

import { type NewEvent, type StaffInboxItemKind, timestampFromDate } from '@caredispatch/contracts';

/**
 * The `messaging.staff-inbox.v1` item for something a link answer needs a person for ("call
 * me", a failed write-back); the staff inbox and audit-log read the topic. Ids and codes only.
 * `causationId` names the event that raised it (a failed write-back's WriteBackFailedV1), so
 * the audit trail leads from the item back to the patient's answer.
 */
export function staffInboxItem(input: {
  tenantId: string;
  appointmentId: string;
  correlationId: string;
  causationId?: string;
  kind: StaffInboxItemKind;
  responseId: string;
  writeBackFailure?: string;
  now: Date;
}): NewEvent<'StaffInboxItemV1'> {
  return {
    type: 'StaffInboxItemV1',
    tenantId: input.tenantId,
    aggregateId: input.appointmentId,
    correlationId: input.correlationId,
    ...(input.causationId === undefined ? {} : { causationId: input.causationId }),
    payload: {
      itemId: randomUUID(),
      kind: input.kind,
      inboundMessageId: '',
      appointmentId: input.appointmentId,
      patientId: '',
      receivedAt: timestampFromDate(input.now),
      responseId: input.responseId,
      writeBackFailure: input.writeBackFailure ?? '',
    },
  };
}
