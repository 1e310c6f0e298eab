// Interfaces (not an inline recursive type) keep TypeORM's deep partial types finite.
export type JsonValue = null | boolean | number | string | JsonArray | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}
export type JsonArray = JsonValue[];

/**
 * A deterministic JSON text for hashing: object keys sorted by UTF-16 code units at every
 * depth, no whitespace, numbers and strings as JSON.stringify writes them. PostgreSQL's jsonb
 * reorders keys on storage, so the hash must not depend on key order; everything else
 * round-trips through jsonb and JSON.parse unchanged.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number') {
    // NaN/Infinity have no JSON form (JSON.stringify would silently write null).
    if (!Number.isFinite(value))
      throw new RangeError('canonical JSON cannot represent a non-finite number');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(',')}}`;
}
