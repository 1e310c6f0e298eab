import { z } from 'zod';

import {
  booleanFlag,
  commonConfigShape,
  loadConfig,
  phiConfigShape,
  practiceNamesSchema,
  secretString,
  smtpUrlSchema,
} from '@caredispatch/platform';

import { LINK_MAX_ORIGIN_CHARS } from './links/link-token';
import { reminderSettingsConfigSchema } from './reminders/planning/reminder-settings-config';

const E164 = /^\+[1-9]\d{1,14}$/;

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const httpUrl = (what: string) =>
  z
    .string()
    .url(`must be a URL (${what})`)
    .refine((value) => /^https?:\/\//.test(value), { message: 'must be an http(s) URL' })
    // One canonical form: callers append paths that start with '/'.
    .transform((value) => value.replace(/\/+$/, ''));

export const messagingConfigSchema = z
  .object({
    ...commonConfigShape,
    ...phiConfigShape,
    HTTP_PORT: commonConfigShape.HTTP_PORT.default(3003),
    TWILIO_ACCOUNT_SID: z
      .string({ required_error: 'is required (Twilio Account SID, AC…)' })
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID (AC followed by 32 hex digits)'),
    TWILIO_AUTH_TOKEN: secretString({ description: 'Twilio auth token' }),
    TWILIO_FROM_NUMBER: z
      .string({ required_error: 'is required (E.164 sender number)' })
      .regex(E164, 'must be an E.164 phone number, e.g. +15005550006'),
    /** Unset = live Twilio (https://api.twilio.com); tests and staging point it at a stand-in. */
    TWILIO_API_BASE_URL: httpUrl('Twilio API base, e.g. http://127.0.0.1:4010').optional(),
    TWILIO_REQUEST_TIMEOUT_MS: positiveInt(10_000),
    /** Public origin Twilio reaches this service at; the status callback URL and its signature build on it. */
    PUBLIC_BASE_URL: httpUrl('public origin of this service, e.g. https://messaging.example.org'),
    /**
     * Key of the patient links (`/a/{token}`): the database stores HMAC-SHA-256(key, token),
     * and the page's forms carry a MAC under it. Rotating it invalidates every open link.
     */
    LINK_TOKEN_SECRET: secretString({ description: 'patient link key', minLength: 32 }),
    /**
     * Public origin printed in patient links (short, for SMS: at most 24 characters, checked at
     * start); unset = PUBLIC_BASE_URL, which must then be that short.
     */
    LINK_BASE_URL: httpUrl('public origin of patient links, e.g. https://cd.example').optional(),
    /** A link stops working this long before the visit starts (0: at the start). */
    LINK_EXPIRY_BEFORE_START_MS: z.coerce.number().int().min(0).default(0),
    /** Patient page requests one client address may make per minute (GET and POST). */
    LINK_RATE_LIMIT_PER_IP_PER_MINUTE: positiveInt(60),
    /** Patient page requests one link may receive per minute, from any address. */
    LINK_RATE_LIMIT_PER_LINK_PER_MINUTE: positiveInt(20),
    /** Optional JSON tenantId → practice name shown in SMS; wins over the name in the event. */
    PRACTICE_NAMES: practiceNamesSchema,
    KAFKA_CONSUMER_GROUP: z.string().min(1).default('messaging'),
    /** Where a NEW consumer group starts; `false` only for throwaway groups (tests) that must skip history. */
    KAFKA_CONSUMER_FROM_BEGINNING: z
      .enum(['true', 'false'], { message: "must be 'true' or 'false'" })
      .default('true')
      .transform((value) => value === 'true'),
    /** Kill switch for outbound sending; consumption continues and messages stay queued. */
    MESSAGE_SENDER_ENABLED: booleanFlag(true),
    SENDER_POLL_INTERVAL_MS: positiveInt(250),
    SENDER_BATCH_SIZE: positiveInt(20),
    /**
     * How long after an attempt starts its message may be reconciled with Twilio — after a
     * crash, a timeout or a 5xx alike. It must leave room for the request timeout plus as
     * long again for Twilio to finish a request we gave up on and to list the message;
     * reconciling earlier finds nothing and texts the patient twice.
     */
    SENDER_LEASE_MS: positiveInt(30_000),
    /**
     * How long after a lapsed attempt's lease Twilio's Messages list may still not show a
     * message it accepted. Until then reconciliation that finds nothing asks again later and
     * never re-sends; only after it does "not listed" count as "not sent".
     */
    TWILIO_LIST_LAG_GRACE_MS: z.coerce.number().int().min(0).default(60_000),
    SENDER_MAX_ATTEMPTS: positiveInt(8),
    SENDER_RETRY_BASE_MS: positiveInt(1_000),
    SENDER_RETRY_MAX_MS: positiveInt(60_000),
    /**
     * A confirmation that could only go out less than this before the visit starts is
     * expired instead (0: only once the visit has started).
     */
    CONFIRMATION_MIN_LEAD_MS: z.coerce.number().int().min(0).default(0),
    /** Optional JSON tenantId → reminder cadences, type mappings and caps; others use the playbook. */
    REMINDER_SETTINGS: reminderSettingsConfigSchema,
    /** smtp(s)://user:pass@host:port of the relay for email reminders; unset: emails fail as not configured. */
    SMTP_URL: smtpUrlSchema,
    SMTP_REQUEST_TIMEOUT_MS: positiveInt(10_000),
    /** Sender of reminder emails (also the Message-ID domain). */
    EMAIL_FROM: z
      .string()
      .email('must be an email address')
      .default('reminders@caredispatch.invalid'),
    /** Mailbox named in List-Unsubscribe; unset: EMAIL_FROM. */
    EMAIL_UNSUBSCRIBE_MAILTO: z.string().email('must be an email address').optional(),
    /** Phone numbers and texts of finished messages are dropped after this many days. */
    MESSAGE_BODY_RETENTION_DAYS: positiveInt(30),
    /**
     * A reschedule request still waiting for its booking expires when the visit's start passes
     * or after this many hours, whichever comes first (checked with the retention jobs).
     */
    RESCHEDULE_TEXT_PENDING_MAX_AGE_HOURS: positiveInt(24),
  })
  .superRefine((config, ctx) => {
    if (config.SENDER_LEASE_MS <= 2 * config.TWILIO_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['SENDER_LEASE_MS'],
        message: 'must be more than twice TWILIO_REQUEST_TIMEOUT_MS',
      });
    }
    // Every text carries the one-tap link and must stay one GSM-7 segment (see link-token.ts).
    const linkOrigin = config.LINK_BASE_URL ?? config.PUBLIC_BASE_URL;
    if (linkOrigin.length > LINK_MAX_ORIGIN_CHARS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['LINK_BASE_URL'],
        message: `patient links need a short origin (at most ${LINK_MAX_ORIGIN_CHARS} characters, e.g. https://cd.example) so texts stay one SMS segment; ${config.LINK_BASE_URL === undefined ? 'PUBLIC_BASE_URL is' : 'it is'} ${linkOrigin.length}`,
      });
    }
    if (config.SENDER_RETRY_MAX_MS < config.SENDER_RETRY_BASE_MS) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['SENDER_RETRY_MAX_MS'],
        message: 'must be >= SENDER_RETRY_BASE_MS',
      });
    }
  });

export type MessagingConfig = z.output<typeof messagingConfigSchema>;

export function loadMessagingConfig(env: NodeJS.ProcessEnv = process.env): MessagingConfig {
  return loadConfig(messagingConfigSchema, env);
}
