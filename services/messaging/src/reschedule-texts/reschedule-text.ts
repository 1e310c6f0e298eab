import { type ReminderLanguage } from '../reminders/planning/cadence';
import { fitsOneGsm7Segment } from '../reminders/planning/sms-segments';

/**
 * Everything a "we need to reschedule" text may say: the practice and the patient's link.
 * Minimum necessary, like every text: no provider, no time, nothing clinical — the link's page
 * shows the visit to whoever holds the link, and offers a new time or cancelling.
 */
export interface RescheduleTextInput {
  readonly practiceName: string;
  /** The appointment's patient link (`{LINK_BASE_URL}/a/{token}`); carries no PHI. */
  readonly link: string;
  /** The patient's language (messageLanguageOf); English when absent. */
  readonly language?: ReminderLanguage;
}

/** GSM-7 only, like the other texts (no accents). */
const RESCHEDULE_TEXTS: Readonly<
  Record<
    ReminderLanguage,
    {
      readonly headline: string;
      readonly action: string;
      readonly optOut: string;
      readonly fallbackPractice: string;
    }
  >
> = {
  en: {
    headline: 'we must reschedule your visit.',
    action: 'New time or cancel:',
    optOut: 'Reply STOP to opt out.',
    fallbackPractice: 'Your care team',
  },
  es: {
    headline: 'debemos cambiar su cita.',
    action: 'Nueva hora o cancelar:',
    optOut: 'Responda STOP para baja.',
    fallbackPractice: 'Su consultorio',
  },
};

const MAX_PRACTICE_NAME_CHARS = 60;
/** The practice name is shortened down to this before the text may run over one segment. */
const MIN_PRACTICE_NAME_CHARS = 12;

/**
 * e.g. "Acme Family Practice: we must reschedule your visit. New time or cancel:
 * https://cd.example/a/… Reply STOP to opt out." — one GSM-7 segment: the link is fixed, so the
 * practice name gives way (cut without an ellipsis, which is not GSM-7).
 */
export function renderRescheduleText(input: RescheduleTextInput): string {
  const t = RESCHEDULE_TEXTS[input.language ?? 'en'];
  const compose = (practice: string): string =>
    `${practice}: ${t.headline} ${t.action} ${input.link} ${t.optOut}`;
  let practice = practiceNameOf(input.practiceName, t.fallbackPractice);
  while (!fitsOneGsm7Segment(compose(practice)) && practice.length > MIN_PRACTICE_NAME_CHARS) {
    practice = practice.slice(0, -1).trimEnd();
  }
  return compose(practice);
}

function practiceNameOf(name: string, fallback: string): string {
  // Control characters would break the layout; a very long name would split the text.
  const cleaned = name
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_PRACTICE_NAME_CHARS)
    .trimEnd();
  return cleaned === '' ? fallback : cleaned;
}
