/** What a patient meant by an SMS reply. */
export enum ReplyIntent {
  Confirm = 'confirm',
  Reschedule = 'reschedule',
  /** "3": cancel the appointment. Never the word CANCEL, which carriers treat as an opt-out. */
  CancelAppointment = 'cancel_appointment',
  OptOut = 'opt_out',
  OptIn = 'opt_in',
  Help = 'help',
  /**
   * "NO": declines a waitlist offer text; to any other text it is for a person to read (it does
   * not say whether the patient means to cancel).
   */
  Decline = 'decline',
  /** Anything else: a person reads it (staff inbox), it is never dropped. */
  Other = 'other',
}

/** CTIA / Twilio standard opt-out words, plus Spanish ones patients use. */
const OPT_OUT_WORDS = new Set([
  'stop',
  'stopall',
  'unsubscribe',
  'cancel',
  'end',
  'quit',
  'revoke',
  'optout',
  'opt out',
  'alto',
  'parar',
  'para',
  'cancelar',
  'baja',
  'detener',
]);
const OPT_IN_WORDS = new Set(['start', 'unstop', 'subscribe', 'resume', 'inicio', 'comenzar']);
const HELP_WORDS = new Set(['help', 'info', 'ayuda']);
const CONFIRM_WORDS = new Set([
  '1',
  'c',
  'y',
  'yes',
  'yep',
  'yeah',
  'confirm',
  'confirmed',
  'si',
  'confirmo',
  'confirmar',
  'ok',
  'okay',
]);
const RESCHEDULE_WORDS = new Set(['2', 'r', 'reschedule', 'cambiar', 'reprogramar']);
const CANCEL_APPOINTMENT_WORDS = new Set(['3']);
const DECLINE_WORDS = new Set(['no', 'n', 'nope', 'nah', 'no thanks', 'no thank', 'decline']);

/** Words that may follow a keyword without changing what it means ("STOP please", "1 thanks"). */
const FILLER = new Set([
  'please',
  'pls',
  'plz',
  'now',
  'thanks',
  'thank',
  'you',
  'thx',
  'ty',
  'ok',
  'okay',
  'all',
  'it',
  'me',
  'texting',
  'texts',
  'messages',
  'messaging',
  'por',
  'favor',
  'gracias',
  'ya',
  'i',
  'will',
  'be',
  'there',
  'see',
  'then',
  'sure',
  'definitely',
]);

/**
 * Revocation "by any reasonable means" (FCC 2025 rule): plain-language requests to stop, in
 * English and Spanish. Written against the normalized text (lower case, no accents or punctuation).
 */
const PLAIN_LANGUAGE_REVOCATIONS: readonly RegExp[] = [
  /\b(stop|quit|cease) (texting|messaging|sending|contacting|txting)\b/,
  /\b(dont|do not|don t|never) (text|message|contact|txt|send)\b/,
  /\bno more (texts|text messages|messages|reminders|txts)\b/,
  /\b(remove|take) me (from|off)\b/,
  /\bunsubscribe me\b/,
  /\bleave me alone\b/,
  /\bopt me out\b/,
  /\bwrong number\b.*\b(stop|remove)\b/,
  /\bno (me )?(envien|envies|manden|mandes|escriban|escribas)\b/,
  /\bdej(e|en|a) de (enviar|mandar|escribir)/,
  /\bno (quiero|deseo) (recibir|mas)\b/,
  /\bno mas (mensajes|textos)\b/,
];

/** Lower case, accents folded, emoji and punctuation dropped, spaces collapsed. */
export function normalizeReply(body: string): string {
  return body
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’]/g, ' ')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Classifies a reply. Opt-out is decided first: a revocation must never be read as anything else. */
export function classifyReply(body: string): ReplyIntent {
  const text = normalizeReply(body);
  if (text === '') return ReplyIntent.Other;
  if (
    isKeyword(text, OPT_OUT_WORDS) ||
    PLAIN_LANGUAGE_REVOCATIONS.some((pattern) => pattern.test(text))
  ) {
    return ReplyIntent.OptOut;
  }
  if (isKeyword(text, OPT_IN_WORDS)) return ReplyIntent.OptIn;
  if (isKeyword(text, HELP_WORDS)) return ReplyIntent.Help;
  if (isKeyword(text, CANCEL_APPOINTMENT_WORDS)) return ReplyIntent.CancelAppointment;
  if (isKeyword(text, RESCHEDULE_WORDS)) return ReplyIntent.Reschedule;
  if (isKeyword(text, CONFIRM_WORDS)) return ReplyIntent.Confirm;
  if (isKeyword(text, DECLINE_WORDS)) return ReplyIntent.Decline;
  return ReplyIntent.Other;
}

/** The whole text is the keyword (one or two words), optionally followed by filler words only. */
function isKeyword(text: string, keywords: ReadonlySet<string>): boolean {
  if (keywords.has(text)) return true;
  const words = text.split(' ');
  for (const length of [2, 1]) {
    const head = words.slice(0, length).join(' ');
    if (keywords.has(head) && words.slice(length).every((word) => FILLER.has(word))) return true;
  }
  return false;
}
