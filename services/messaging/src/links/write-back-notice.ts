import { formatLocalStart } from '../confirmation/confirmation-text';
import { fitsOneGsm7Segment } from '../reminders/planning/sms-segments';

/** Why the patient hears back after their link answer could not be applied in the EHR. */
export enum WriteBackNotice {
  /** The free time they picked was booked by someone else first. */
  SlotTaken = 'slot_taken',
  /** The office changed the visit after the patient saw it; the office's change stands. */
  ChangedByOffice = 'changed_by_office',
}

const MIN_PRACTICE_CHARS = 12;

/**
 * One GSM-7 segment with the longest link (the practice name gives way), English only: the
 * scheduling contract carries no patient language yet. Nothing clinical, like every text.
 */
export function renderWriteBackNotice(input: {
  notice: WriteBackNotice;
  practiceName: string;
  start: Date;
  timeZone: string;
  link: string;
}): string {
  const when = formatLocalStart(input.start, input.timeZone);
  const compose = (practice: string): string =>
    input.notice === WriteBackNotice.SlotTaken
      ? `${practice}: that time was just taken; your visit stays ${when}. Pick another: ${input.link}`
      : `${practice}: our office changed your visit, so your answer was not applied. Your visit: ${input.link}`;
  let practice = input.practiceName.replace(/\s+/g, ' ').trim() || 'Your care team';
  while (!fitsOneGsm7Segment(compose(practice)) && practice.length > MIN_PRACTICE_CHARS) {
    practice = practice.slice(0, -1).trimEnd();
  }
  return compose(practice);
}
