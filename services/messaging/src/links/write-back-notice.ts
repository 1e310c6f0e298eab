import { formatLocalStart } from '../confirmation/confirmation-text';
import { type ReminderLanguage } from '../reminders/planning/cadence';
import { fitsOneGsm7Segment } from '../reminders/planning/sms-segments';

/** Why the patient hears back after their link answer could not be applied in the EHR. */
export enum WriteBackNotice {
  /** The free time they picked was booked by someone else first. */
  SlotTaken = 'slot_taken',
  /** The office changed the visit after the patient saw it; the office's change stands. */
  ChangedByOffice = 'changed_by_office',
}

const MIN_PRACTICE_CHARS = 12;

/** GSM-7 only (no á, í, ó, ú). */
const NOTICES: Readonly<
  Record<
    ReminderLanguage,
    Readonly<Record<WriteBackNotice, (practice: string, when: string, link: string) => string>>
  >
> = {
  en: {
    [WriteBackNotice.SlotTaken]: (practice, when, link) =>
      `${practice}: that time was just taken; your visit stays ${when}. Pick another: ${link}`,
    [WriteBackNotice.ChangedByOffice]: (practice, _when, link) =>
      `${practice}: our office changed your visit, so your answer was not applied. Your visit: ${link}`,
  },
  es: {
    [WriteBackNotice.SlotTaken]: (practice, when, link) =>
      `${practice}: esa hora ya se ocupo; su cita sigue el ${when}. Elija otra: ${link}`,
    [WriteBackNotice.ChangedByOffice]: (practice, _when, link) =>
      `${practice}: la oficina cambio su cita y su respuesta no se aplico. Su cita: ${link}`,
  },
};

/**
 * One GSM-7 segment with the longest link (the practice name gives way), in the patient's
 * language (English when unknown). Nothing clinical, like every text.
 */
export function renderWriteBackNotice(input: {
  notice: WriteBackNotice;
  practiceName: string;
  start: Date;
  timeZone: string;
  link: string;
  language?: ReminderLanguage;
}): string {
  const language = input.language ?? 'en';
  const when = formatLocalStart(input.start, input.timeZone, language);
  const compose = (practice: string): string =>
    NOTICES[language][input.notice](practice, when, input.link);
  let practice =
    input.practiceName.replace(/\s+/g, ' ').trim() ||
    (language === 'es' ? 'Su consultorio' : 'Your care team');
  while (!fitsOneGsm7Segment(compose(practice)) && practice.length > MIN_PRACTICE_CHARS) {
    practice = practice.slice(0, -1).trimEnd();
  }
  return compose(practice);
}
