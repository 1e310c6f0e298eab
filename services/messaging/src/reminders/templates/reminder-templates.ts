import { IntlMessageFormat } from 'intl-messageformat';
import { DateTime } from 'luxon';

import { LINK_MAX_CHARS } from '../../links/link-token';
import { type ReminderChannel, type ReminderLanguage } from '../planning/cadence';
import { countSmsSegments, fitsOneGsm7Segment } from '../planning/sms-segments';

/**
 * Everything a reminder may say (minimum necessary): no provider, appointment type, procedure or
 * diagnosis can be rendered because templates can only name these arguments.
 */
export const TEMPLATE_ARGUMENTS = [
  'practice',
  'firstName',
  'date',
  'time',
  'locationName',
  'locationAddress',
  'link',
] as const;
export type TemplateArgument = (typeof TEMPLATE_ARGUMENTS)[number];

/** The longest one-tap link a text carries (the configured origin is checked against it). */
export const LINK_PLACEHOLDER_CHARS = LINK_MAX_CHARS;
/** Longest values SMS rendering lets through (longer ones are shortened), so validation is a proof. */
const SMS_MAX_CHARS: Partial<Record<TemplateArgument, number>> = { practice: 30, firstName: 12 };
/**
 * When a text with its link would run over one segment, the practice name and then the first
 * name give way, down to these lengths (the link, date and time never do). Validation proves a
 * template fits at these floors with the longest link.
 */
const SMS_FIT_FLOOR_CHARS: Partial<Record<TemplateArgument, number>> = {
  practice: 12,
  firstName: 4,
};
/** Location details stay out of texts (length and minimum necessary); emails carry them. */
const SMS_FORBIDDEN: readonly TemplateArgument[] = ['locationName', 'locationAddress'];

export interface SmsTemplate {
  readonly body: string;
}
export interface EmailTemplate {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface ReminderFacts {
  readonly practice: string;
  readonly firstName: string;
  readonly start: Date;
  readonly timeZone: string;
  readonly locationName: string;
  readonly locationAddress: string;
  /** The one-tap link (`{LINK_BASE_URL}/a/{token}`); empty renders none. */
  readonly link: string;
}

const SHIPPED_SMS: Record<ReminderLanguage, Partial<Record<string, SmsTemplate>>> = {
  en: {
    reminder: {
      body: 'Hi {firstName}, {practice} visit {date} {time}. Reply 1 confirm, 2 reschedule, 3 cancel. {link} STOP=opt out',
    },
    'reminder-today': {
      body: 'Hi {firstName}, see you today at {time} at {practice}. Reply 1 confirm, 2 reschedule, 3 cancel. {link} STOP=opt out',
    },
  },
  es: {
    reminder: {
      body: 'Hola {firstName}, cita en {practice} el {date} {time}. Responda 1 confirmar, 2 cambiar, 3 anular. {link} STOP=baja',
    },
    'reminder-today': {
      body: 'Hola {firstName}, le esperamos hoy a las {time} en {practice}. Responda 1 confirmar, 2 cambiar, 3 anular. {link} STOP=baja',
    },
  },
};

const SHIPPED_EMAIL: Record<ReminderLanguage, Partial<Record<string, EmailTemplate>>> = {
  en: {
    reminder: {
      subject: 'Reminder: your visit at {practice} on {date}',
      text: 'Hi {firstName},\n\nThis is a reminder of your visit at {practice} on {date} at {time}.\n{locationName}\n{locationAddress}\n\n{link}',
      html: '<p>Hi {firstName},</p><p>This is a reminder of your visit at <b>{practice}</b> on <b>{date}</b> at <b>{time}</b>.</p><p>{locationName}<br>{locationAddress}</p><p>{link}</p>',
    },
  },
  es: {
    reminder: {
      subject: 'Recordatorio: su cita en {practice} el {date}',
      text: 'Hola {firstName}:\n\nLe recordamos su cita en {practice} el {date} a las {time}.\n{locationName}\n{locationAddress}\n\n{link}',
      html: '<p>Hola {firstName}:</p><p>Le recordamos su cita en <b>{practice}</b> el <b>{date}</b> a las <b>{time}</b>.</p><p>{locationName}<br>{locationAddress}</p><p>{link}</p>',
    },
  },
};

/** Tenant overrides, keyed by `templateKey(...)`; the shipped set is the fallback. */
export type TemplateOverrides = ReadonlyMap<string, SmsTemplate | EmailTemplate>;

export function templateKey(
  channel: ReminderChannel,
  appointmentType: string,
  language: ReminderLanguage,
  name: string,
): string {
  return `${channel}/${appointmentType}/${language}/${name}`;
}

export type TemplateProblem = { readonly field: string; readonly message: string };

/** Checks a template a tenant wants to store; null when it is acceptable. */
export function checkTemplate(
  channel: ReminderChannel,
  language: ReminderLanguage,
  template: SmsTemplate | EmailTemplate,
): TemplateProblem | null {
  for (const [field, source] of Object.entries(template) as [string, string][]) {
    let names: string[];
    try {
      names = argumentNames(
        new IntlMessageFormat(source, language, undefined, MESSAGE_OPTIONS).getAst(),
      );
    } catch (error) {
      return { field, message: `is not ICU MessageFormat: ${(error as Error).message}` };
    }
    const unknown = names.find((name) => !(TEMPLATE_ARGUMENTS as readonly string[]).includes(name));
    if (unknown !== undefined) return { field, message: `may not use {${unknown}}` };
    const forbidden =
      channel === 'sms'
        ? names.find((name) => SMS_FORBIDDEN.includes(name as TemplateArgument))
        : undefined;
    if (forbidden !== undefined) return { field, message: `may not use {${forbidden}} in a text` };
  }
  if (channel === 'sms') {
    const longest = renderSmsWith(
      (template as SmsTemplate).body,
      language,
      worstCaseArguments(language),
      SMS_FIT_FLOOR_CHARS,
    );
    if (!fitsOneGsm7Segment(longest)) {
      const { encoding, units } = countSmsSegments(longest);
      return {
        field: 'body',
        message: `must fit one GSM-7 segment (160) with the longest values and a ${LINK_PLACEHOLDER_CHARS}-character link; it takes ${units} ${encoding} units`,
      };
    }
  }
  return null;
}

export function resolveSmsTemplate(
  overrides: TemplateOverrides,
  appointmentType: string,
  language: ReminderLanguage,
  name: string,
): SmsTemplate | undefined {
  return (lookup(overrides, 'sms', appointmentType, language, name) ??
    SHIPPED_SMS[language][name]) as SmsTemplate | undefined;
}

export function resolveEmailTemplate(
  overrides: TemplateOverrides,
  appointmentType: string,
  language: ReminderLanguage,
  name: string,
): EmailTemplate | undefined {
  return (lookup(overrides, 'email', appointmentType, language, name) ??
    SHIPPED_EMAIL[language][name] ??
    SHIPPED_EMAIL[language].reminder) as EmailTemplate | undefined;
}

function lookup(
  overrides: TemplateOverrides,
  channel: ReminderChannel,
  appointmentType: string,
  language: ReminderLanguage,
  name: string,
): SmsTemplate | EmailTemplate | undefined {
  return (
    overrides.get(templateKey(channel, appointmentType, language, name)) ??
    overrides.get(templateKey(channel, 'default', language, name))
  );
}

/**
 * A text, shortened to the limits validation assumed and folded to GSM-7 so it stays one
 * segment; with a long link, the practice and first name are shortened further (never below
 * SMS_FIT_FLOOR_CHARS) until it fits.
 */
export function renderSms(
  template: SmsTemplate,
  language: ReminderLanguage,
  facts: ReminderFacts,
): string {
  const values = localArguments(facts, language);
  let limits = { ...SMS_MAX_CHARS };
  let text = renderSmsWith(template.body, language, values, limits);
  for (const name of ['practice', 'firstName'] as const) {
    const floor = SMS_FIT_FLOOR_CHARS[name] ?? 0;
    let max = Math.min(values[name].length, limits[name] ?? values[name].length);
    while (!fitsOneGsm7Segment(text) && max > floor) {
      max -= 1;
      limits = { ...limits, [name]: max };
      text = renderSmsWith(template.body, language, values, limits);
    }
  }
  return text;
}

export function renderEmail(
  template: EmailTemplate,
  language: ReminderLanguage,
  facts: ReminderFacts,
): { subject: string; text: string; html: string } {
  const values = localArguments(facts, language);
  const escaped = Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, escapeHtml(value)]),
  ) as Record<TemplateArgument, string>;
  return {
    subject: format(template.subject, language, values).replace(/\s+/g, ' ').trim(),
    text: format(template.text, language, values),
    html: format(template.html, language, escaped),
  };
}

function renderSmsWith(
  body: string,
  language: ReminderLanguage,
  values: Record<TemplateArgument, string>,
  limits: Partial<Record<TemplateArgument, number>> = SMS_MAX_CHARS,
): string {
  const shortened = { ...values };
  for (const [name, max] of Object.entries(limits) as [TemplateArgument, number][]) {
    const value = shortened[name].replace(/\s+/g, ' ').trim();
    shortened[name] = value.length > max ? value.slice(0, max).trimEnd() : value;
  }
  // Only the values are folded: a template with a non-GSM character is refused by checkTemplate.
  const folded = Object.fromEntries(
    Object.entries(shortened).map(([key, value]) => [key, foldToGsm7(value)]),
  ) as Record<TemplateArgument, string>;
  return format(body, language, folded).replace(/ {2,}/g, ' ').trim();
}

function localArguments(
  facts: ReminderFacts,
  language: ReminderLanguage,
): Record<TemplateArgument, string> {
  const local = DateTime.fromJSDate(facts.start, { zone: facts.timeZone }).setLocale(
    language === 'es' ? 'es-US' : 'en-US',
  );
  return {
    practice: facts.practice,
    firstName: facts.firstName,
    date: local.toFormat(language === 'es' ? 'ccc d LLL' : 'ccc, LLL d'),
    time: local.toFormat(language === 'es' ? 'H:mm' : 'h:mm a'),
    locationName: facts.locationName,
    locationAddress: facts.locationAddress,
    link: facts.link,
  };
}

function worstCaseArguments(language: ReminderLanguage): Record<TemplateArgument, string> {
  return {
    practice: 'W'.repeat(SMS_MAX_CHARS.practice ?? 30),
    firstName: 'W'.repeat(SMS_MAX_CHARS.firstName ?? 12),
    date: language === 'es' ? 'mie 30 sept' : 'Wed, Sep 30',
    time: language === 'es' ? '12:30' : '12:30 PM',
    locationName: '',
    locationAddress: '',
    link: 'x'.repeat(LINK_PLACEHOLDER_CHARS),
  };
}

function format(
  source: string,
  language: ReminderLanguage,
  values: Record<TemplateArgument, string>,
): string {
  return String(new IntlMessageFormat(source, language, undefined, MESSAGE_OPTIONS).format(values));
}

/** Templates are plain text or HTML, never ICU rich-text tags: `<p>` is literal markup. */
const MESSAGE_OPTIONS = { ignoreTag: true };

const LITERAL_ELEMENT = 0;
const POUND_ELEMENT = 7;

type Ast = ReturnType<IntlMessageFormat['getAst']>;

function argumentNames(ast: Ast): string[] {
  return ast.flatMap((element): string[] => {
    // The parser's TYPE enum: 0 is literal text, 7 the plural '#'; every other kind names an argument.
    const kind: number = element.type;
    const own =
      kind !== LITERAL_ELEMENT &&
      kind !== POUND_ELEMENT &&
      'value' in element &&
      typeof element.value === 'string'
        ? [element.value]
        : [];
    const nested =
      'options' in element
        ? Object.values(element.options).flatMap((option) => argumentNames(option.value))
        : 'children' in element
          ? argumentNames(element.children)
          : [];
    return [...own, ...nested];
  });
}

/** Accented letters outside GSM-7 (á, í, ó, ú, …) become their base letter; other non-GSM characters are dropped. */
export function foldToGsm7(text: string): string {
  let out = '';
  for (const char of text) {
    if (fitsOneGsm7Segment(char)) out += char;
    else {
      const base = char.normalize('NFD').replace(/\p{M}/gu, '');
      if (base !== char && fitsOneGsm7Segment(base)) out += base;
    }
  }
  return out;
}

/** For values put into an email's HTML part (reminders and waitlist offer emails). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
