import { EhrWebhookErrorCode, invalidFhir } from '../ehr-webhook.errors';
import { isJsonObject } from '../fhir/fhir-json';

/**
 * FHIR R4 strings "SHALL NOT contain Unicode character points below 32, except for u0009
 * (horizontal tab), u0010 (carriage return) and u0013 (line feed)" (datatypes §2.24.0.1).
 * U+0000 in particular is refused by PostgreSQL text and jsonb downstream, and a lone
 * surrogate cannot be encoded as UTF-8 (protobuf and PostgreSQL would replace or refuse it).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** No FHIR Appointment webhook nests anywhere near this deep; it bounds the walk. */
export const MAX_JSON_DEPTH = 32;
/** Longer than any element the gateway reads; a generous bound on everything else. */
export const MAX_STRING_LENGTH = 4096;

export function isCleanText(value: string): boolean {
  return !FORBIDDEN_CONTROL.test(value) && !LONE_SURROGATE.test(value);
}

/**
 * Walks the parsed body once, before anything reads it, and refuses control characters, lone
 * surrogates, oversized strings and absurd nesting anywhere — in keys too — naming the path.
 * Iterative, so a hostile nesting depth cannot overflow the stack.
 */
export function assertCleanFhirJson(body: unknown): void {
  const root = rootPath(body);
  const pending: { value: unknown; path: string; depth: number }[] = [
    { value: body, path: root, depth: 0 },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path, depth } = next;
    if (typeof value === 'string') {
      assertCleanString(value, path);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      throw invalidFhir(
        EhrWebhookErrorCode.InvalidText,
        `JSON nests deeper than ${MAX_JSON_DEPTH} levels`,
        path,
      );
    }
    if (Array.isArray(value)) {
      value.forEach((item: unknown, index) =>
        pending.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }),
      );
      continue;
    }
    for (const [key, item] of Object.entries(value)) {
      // The key is reported by position only: it is the offending text itself.
      assertCleanString(key, `${path}.<key>`);
      pending.push({ value: item, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
}

function assertCleanString(value: string, path: string): void {
  if (value.length > MAX_STRING_LENGTH) {
    throw invalidFhir(
      EhrWebhookErrorCode.FieldTooLong,
      `Strings are limited to ${MAX_STRING_LENGTH} characters`,
      path,
    );
  }
  if (!isCleanText(value)) {
    throw invalidFhir(
      EhrWebhookErrorCode.InvalidText,
      'FHIR strings must not contain control characters other than tab, CR and LF, nor unpaired surrogates',
      path,
    );
  }
}

function rootPath(body: unknown): string {
  const type = isJsonObject(body) ? body.resourceType : undefined;
  return type === 'Appointment' || type === 'Bundle' ? type : '$';
}
