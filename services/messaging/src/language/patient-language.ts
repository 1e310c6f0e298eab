import { type ReminderLanguage } from '../reminders/planning/cadence';

// ISO 639-1 and the ISO 639-2 codes older EHRs still send ('spa', 'eng'); a BCP-47 tag uses
// the shortest code.
const LANGUAGE_BY_PRIMARY_SUBTAG: ReadonlyMap<string, ReminderLanguage> = new Map([
  ['en', 'en'],
  ['eng', 'en'],
  ['es', 'es'],
  ['spa', 'es'],
]);

/**
 * The shipped language for a patient's preferred language (a BCP-47 tag from the EHR's
 * `Patient.communication`, e.g. "es-MX"); undefined when unknown or not shipped. Region and
 * script never matter: "es-MX" and "es-419" both read the Spanish texts.
 */
export function shippedLanguageOf(
  preferredLanguage: string | null | undefined,
): ReminderLanguage | undefined {
  if (!preferredLanguage) return undefined;
  const primary = preferredLanguage.split('-')[0]?.toLowerCase() ?? '';
  return LANGUAGE_BY_PRIMARY_SUBTAG.get(primary);
}

/** The language we write to a patient in: theirs when shipped, else `fallback` (the tenant's default). */
export function messageLanguageOf(
  preferredLanguage: string | null | undefined,
  fallback: ReminderLanguage = 'en',
): ReminderLanguage {
  return shippedLanguageOf(preferredLanguage) ?? fallback;
}
