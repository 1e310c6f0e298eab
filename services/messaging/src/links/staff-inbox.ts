import { randomUUID } from 'node:crypto';

import { type NewEvent, type StaffInboxItemKind, timestampFromDate } from '@caredispatch/contracts';

/**
 * The `messaging.staff-inbox.v1` item for something a link answer needs a person for ("call
 * me", a failed write-back); the staff inbox and audit-log read the topic. Ids and codes only.
 */
export function staffInboxItem(input: {
  tenantId: string;
  appointmentId: string;
  correlationId: string;
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
