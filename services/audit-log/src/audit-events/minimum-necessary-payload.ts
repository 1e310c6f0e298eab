import { type JsonObject, type JsonValue } from '../audit-chain/canonical-json';

/**
 * Contact fields of the event contracts (protobuf JSON names): the audit says that a patient's
 * details were sent and to whom by id, never what they were. Contracts with a new contact field
 * must be listed here; the e2e dump test (test/e2e/phi-at-rest.e2e-spec.ts) catches a miss.
 */
const CONTACT_FIELDS: ReadonlySet<string> = new Set([
  'givenName',
  'familyName',
  'phoneE164',
  'email',
  // A visit's location address: for a home visit, where the patient lives (whole object).
  'address',
]);

export const REDACTED = '[redacted]';

/** The payload as the audit keeps it: every contact value replaced, everything else as is. */
export function minimumNecessaryPayload(payload: JsonObject): JsonObject {
  return redactObject(payload);
}

function redactObject(object: JsonObject): JsonObject {
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [
      key,
      CONTACT_FIELDS.has(key) && value !== null && value !== '' ? REDACTED : redact(value),
    ]),
  );
}

function redact(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') return redactObject(value);
  return value;
}
