/**
 * The webhook body is untrusted JSON. These helpers read it without casts: every accessor
 * checks the runtime type and answers `undefined` for anything unexpected, so the
 * normalizer decides what is required and reports it with a FHIR path.
 */
export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A resource (or element) together with its FHIR path, for precise error details. */
export interface Located<T = JsonObject> {
  readonly value: T;
  readonly path: string;
}

export function stringAt(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

export function numberAt(object: JsonObject, key: string): number | undefined {
  const value = object[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function objectAt(located: Located, key: string): Located | undefined {
  const value = located.value[key];
  return isJsonObject(value) ? { value, path: `${located.path}.${key}` } : undefined;
}

/** Object elements of an array property, each with its indexed path; non-objects are skipped. */
export function objectsAt(located: Located, key: string): Located[] {
  const value = located.value[key];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown, index) =>
    isJsonObject(item) ? [{ value: item, path: `${located.path}.${key}[${index}]` }] : [],
  );
}

export function stringsAt(object: JsonObject, key: string): string[] {
  const value = object[key];
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) =>
    typeof item === 'string' && item.trim() !== '' ? [item.trim()] : [],
  );
}

/** The extension with `url`, if the element carries one. */
export function extensionAt(located: Located, url: string): Located | undefined {
  return objectsAt(located, 'extension').find((extension) => extension.value.url === url);
}

/** The first Coding of a CodeableConcept property. */
export function firstCodingAt(located: Located, key: string): JsonObject | undefined {
  const concept = objectAt(located, key);
  return concept ? objectsAt(concept, 'coding')[0]?.value : undefined;
}
