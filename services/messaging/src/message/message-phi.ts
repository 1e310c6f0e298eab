import { type PhiColumn, type PhiField } from '@caredispatch/phi-crypto';

/** The message columns encrypted at rest (`phi1.` values); retention nulls them all. */
export const MESSAGE_PHI_COLUMNS: readonly PhiColumn[] = [
  ...['to_e164', 'body', 'fallback_to', 'fallback_body'].map((column) => ({
    table: 'message',
    column,
    kind: 'text' as const,
    rowKey: 'id::text',
    idColumn: 'id',
  })),
  // An inbound reply's text (stored only when its tenant is known).
  { table: 'inbound_message', column: 'body', kind: 'text', rowKey: 'id::text', idColumn: 'id' },
];

export function messageField(
  tenantId: string,
  messageId: string,
  column: 'to_e164' | 'body' | 'fallback_to' | 'fallback_body',
): PhiField {
  return { tenantId, table: 'message', column, rowKey: messageId };
}

export function inboundBodyField(tenantId: string, inboundId: string): PhiField {
  return { tenantId, table: 'inbound_message', column: 'body', rowKey: inboundId };
}
