import { EhrWebhookErrorCode, invalidFhir } from '../ehr-webhook.errors';

import { type Located, objectAt, objectsAt, stringAt } from './fhir-json';

/** The code system FHIR R4 binds `Patient.communication.language` to (BCP-47 tags). */
export const BCP47_SYSTEM = 'urn:ietf:bcp:47';

/** RFC 5646 §4.4.1: implementations need only keep tags of up to 35 characters. */
export const MAX_LANGUAGE_TAG_CHARS = 35;

// RFC 5646 shape without the registry: a 2–8 letter primary language subtag, then subtags of
// 1–8 letters or digits (script, region, variants, extensions, private use).
const BCP47_SHAPE = /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/;

/** A BCP-47 tag in canonical case ("es-MX", "zh-Hant-TW"), or undefined when it is not one. */
export function canonicalLanguageTag(raw: string): string | undefined {
  if (raw.length > MAX_LANGUAGE_TAG_CHARS || !BCP47_SHAPE.test(raw)) return undefined;
  try {
    const canonical = Intl.getCanonicalLocales(raw).at(0);
    return canonical !== undefined && canonical.length <= MAX_LANGUAGE_TAG_CHARS
      ? canonical
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The patient's preferred language from `Patient.communication`: the entry marked
 * `preferred: true`, else the first; within it the BCP-47 coding, else the first coding with a
 * code. No entry or no code → undefined (unknown; messaging uses the tenant's default). A code
 * that is not a BCP-47 tag is refused with its FHIR path rather than guessed at.
 */
export function readPreferredLanguage(patient: Located): string | undefined {
  const entries = objectsAt(patient, 'communication');
  const chosen = entries.find((entry) => entry.value.preferred === true) ?? entries.at(0);
  const language = chosen && objectAt(chosen, 'language');
  if (!language) return undefined;
  const codings = objectsAt(language, 'coding').filter(
    (coding) => stringAt(coding.value, 'code') !== undefined,
  );
  const coding =
    codings.find((candidate) => candidate.value.system === BCP47_SYSTEM) ?? codings.at(0);
  if (!coding) return undefined;
  const code = stringAt(coding.value, 'code') ?? '';
  const tag = canonicalLanguageTag(code);
  if (tag === undefined) {
    throw invalidFhir(
      EhrWebhookErrorCode.InvalidFieldFormat,
      `Patient.communication.language must be a BCP-47 language tag of at most ${MAX_LANGUAGE_TAG_CHARS} characters, e.g. es or en-US`,
      `${coding.path}.code`,
    );
  }
  return tag;
}
