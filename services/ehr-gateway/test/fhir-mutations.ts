import fc from 'fast-check';

import { type FhirJson } from '@caredispatch/testing';

type JsonValue = unknown;
type PathStep = string | number;

/** A change to one element of a valid FHIR body, as a broken or hostile EHR might send. */
export type FhirMutation =
  | { readonly kind: 'set'; readonly target: number; readonly value: JsonValue }
  | { readonly kind: 'delete'; readonly target: number }
  | { readonly kind: 'append'; readonly target: number; readonly text: string };

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
const controlCharacter = fc.integer({ min: 0, max: 0x1f }).map((unit) => String.fromCharCode(unit));

/** Strings an EHR should never send but some do: controls, NUL, lone surrogates, huge. */
const hostileText = fc.oneof(
  fc.string({ unit: anyCodeUnit, maxLength: 12 }),
  fc.string({ unit: controlCharacter, minLength: 1, maxLength: 3 }),
  fc.constantFrom('\u0000', 'Ann\u0000', '\ud800', 'x\udc00y', '', ' ', '\t', 'a\r\nb'),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.integer({ min: 60, max: 5_000 }).map((length) => 'x'.repeat(length)),
);

const hostileValue: fc.Arbitrary<JsonValue> = fc.oneof(
  hostileText,
  fc.constantFrom(null, true, 0, -1, 1e308, 2 ** 53, 1.5, [], {}),
  fc.integer(),
  fc.array(hostileText, { maxLength: 3 }),
  fc.dictionary(hostileText, hostileText, { maxKeys: 2 }),
);

export const fhirMutation: fc.Arbitrary<FhirMutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('set'), target: fc.nat(), value: hostileValue }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete'), target: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('append'), target: fc.nat(), text: hostileText }),
  },
);

/** Applies mutations to a deep copy; targets index the body's elements in document order. */
export function mutateFhir(body: FhirJson, mutations: readonly FhirMutation[]): FhirJson {
  const copy = structuredClone(body);
  for (const mutation of mutations) {
    const paths = elementPaths(copy);
    const path = paths[mutation.target % paths.length];
    const parent = valueAt(copy, path.slice(0, -1));
    const key = path[path.length - 1];
    if (!isContainer(parent)) continue;
    const record = parent as Record<PathStep, unknown>;
    switch (mutation.kind) {
      case 'set':
        record[key] = mutation.value;
        break;
      case 'delete':
        if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
        else Reflect.deleteProperty(record, key);
        break;
      case 'append': {
        const current = record[key];
        record[key] = typeof current === 'string' ? `${current}${mutation.text}` : mutation.text;
        break;
      }
    }
  }
  return copy;
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function elementPaths(root: unknown, prefix: PathStep[] = []): PathStep[][] {
  if (!isContainer(root)) return [];
  const entries: [PathStep, unknown][] = Array.isArray(root)
    ? root.map((item: unknown, index): [PathStep, unknown] => [index, item])
    : Object.entries(root);
  return entries.flatMap(([key, value]) => [
    [...prefix, key],
    ...elementPaths(value, [...prefix, key]),
  ]);
}

function valueAt(root: unknown, path: readonly PathStep[]): unknown {
  let current = root;
  for (const step of path) {
    if (!isContainer(current)) return undefined;
    current = (current as Record<PathStep, unknown>)[step];
  }
  return current;
}
