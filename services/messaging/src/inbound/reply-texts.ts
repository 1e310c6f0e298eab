import { normalizeReply } from '../reminders/inbound/reply-intent';
import { type ReminderLanguage } from '../reminders/planning/cadence';

export enum ReplyKind {
  OptedOut = 'opted_out',
  OptedIn = 'opted_in',
  Help = 'help',
}

/** Long practice names are cut so every reply stays one GSM-7 segment. */
const MAX_PRACTICE_CHARS = 40;

/** GSM-7 only (no á, í, ó, ú): one segment each with a 40-character practice name. */
const TEXTS: Readonly<Record<ReminderLanguage, Readonly<Record<ReplyKind, string>>>> = {
  en: {
    [ReplyKind.OptedOut]:
      '{practice}: You are unsubscribed and will get no more texts. Reply START to resubscribe.',
    [ReplyKind.OptedIn]:
      '{practice}: You are resubscribed to appointment texts. Reply STOP to opt out, HELP for help.',
    [ReplyKind.Help]:
      '{practice} appointment texts. Reply 1 confirm, 2 reschedule, 3 cancel, STOP to opt out. Msg&data rates may apply.',
  },
  es: {
    [ReplyKind.OptedOut]:
      '{practice}: Ya no recibira mas mensajes. Responda START para volver a suscribirse.',
    [ReplyKind.OptedIn]:
      '{practice}: Se ha vuelto a suscribir a los mensajes de citas. Responda ALTO para cancelar.',
    [ReplyKind.Help]:
      '{practice} mensajes de citas. Responda 1 confirmar, 2 cambiar, 3 cancelar, ALTO para no recibir mas.',
  },
};

const SPANISH_WORDS =
  /\b(alto|parar|para|cancelar|baja|detener|ayuda|inicio|comenzar|no me|envien|mensajes|quiero|por favor)\b/;

/** The language to answer in: Spanish when the patient wrote Spanish, else English. */
export function replyLanguage(body: string): ReminderLanguage {
  return SPANISH_WORDS.test(normalizeReply(body)) ? 'es' : 'en';
}

export function renderReply(kind: ReplyKind, language: ReminderLanguage, practice: string): string {
  const name =
    practice.length > MAX_PRACTICE_CHARS
      ? `${practice.slice(0, MAX_PRACTICE_CHARS - 1).trimEnd()}.`
      : practice;
  return TEXTS[language][kind].replace('{practice}', name);
}
