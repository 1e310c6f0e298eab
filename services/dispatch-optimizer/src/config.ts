import { z } from 'zod';

import {
  booleanFlag,
  commonConfigShape,
  loadConfig,
  phiConfigShape,
  Secret,
  secretString,
  smtpUrlSchema,
  tenantJsonMap,
} from '@caredispatch/platform';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** An optional JSON object variable; unset or blank is an empty map. */
const optionalTenantMap = (description: string) =>
  z
    .string()
    .optional()
    .transform((value) => (value === undefined || value.trim() === '' ? '{}' : value))
    .pipe(tenantJsonMap(description));

/** The same, with the values kept as secrets (tokens, webhook URLs that embed a key). */
const optionalSecretTenantMap = (description: string) =>
  optionalTenantMap(description).transform(
    (map): ReadonlyMap<string, Secret> =>
      new Map([...map].map(([tenant, value]) => [tenant, new Secret(value)])),
  );

export const dispatchOptimizerConfigSchema = z
  .object({
    ...commonConfigShape,
    ...phiConfigShape,
    HTTP_PORT: commonConfigShape.HTTP_PORT.default(3004),
    KAFKA_CONSUMER_GROUP: z.string().min(1).default('dispatch-optimizer'),
    /** Where a NEW consumer group starts; `false` only for throwaway groups (tests) that must skip history. */
    KAFKA_CONSUMER_FROM_BEGINNING: z
      .enum(['true', 'false'], { message: "must be 'true' or 'false'" })
      .default('true')
      .transform((value) => value === 'true'),
    /** Default Google Maps key for tenants without their own; unset = great-circle estimates only. */
    MAPS_API_KEY: secretString({ description: 'Google Maps API key' }).optional(),
    /** Unset = live Google Maps (https://maps.googleapis.com); tests point it at the stand-in. */
    MAPS_API_BASE_URL: z
      .string()
      .url('must be a URL, e.g. http://127.0.0.1:4020')
      .refine((value) => /^https?:\/\//.test(value), { message: 'must be an http(s) URL' })
      .transform((value) => value.replace(/\/+$/, ''))
      .optional(),
    MAPS_REQUEST_TIMEOUT_MS: positiveInt(10_000),
    /** Attempts per Maps request on OVER_QUERY_LIMIT / 5xx / timeouts before falling back. */
    MAPS_MAX_ATTEMPTS: positiveInt(4),
    MAPS_RETRY_BASE_MS: positiveInt(500),
    /** Cached Distance Matrix answers are refreshed after this many days. */
    TRAVEL_TIME_CACHE_TTL_DAYS: positiveInt(30),
    /** Wall-clock budget of one optimizer run (weekly/nightly/on-demand). */
    PLAN_TIME_LIMIT_MS: positiveInt(2_000),
    /** Wall-clock budget of an incremental re-plan (booking, cancellation, call-out). */
    REPLAN_TIME_LIMIT_MS: positiveInt(1_000),
    /** Weekly/nightly runs at each tenant's configured local times; off for tests that run plans on demand. */
    PLAN_SCHEDULER_ENABLED: booleanFlag(true),
    PLAN_SCHEDULER_INTERVAL_MS: positiveInt(60_000),
    /** How often booking changes not yet in the plan are looked for (LISTEN-free polling). */
    REPLAN_POLL_INTERVAL_MS: positiveInt(500),
    /** Unset = Slack itself; tests point the official client at the stand-in. */
    SLACK_API_URL: z.string().url('must be a URL').optional(),
    SLACK_BOT_TOKENS: optionalSecretTenantMap('tenantId → Slack bot token (xoxb-…)'),
    /** Unset: the /callout slash command answers 404. */
    SLACK_SIGNING_SECRET: z
      .string()
      .min(1)
      .optional()
      .transform((value) => (value === undefined ? undefined : new Secret(value))),
    /** Slack workspace (team id) → tenant, for slash commands. */
    SLACK_TEAM_TENANTS: optionalTenantMap('Slack team id → tenantId'),
    ESCALATION_SLACK_CHANNELS: optionalTenantMap('tenantId → Slack channel id for coordinators'),
    ESCALATION_TEAMS_WEBHOOK_URLS: optionalSecretTenantMap('tenantId → Teams incoming webhook URL'),
    /** smtp(s)://user:pass@host:port; unset: email itineraries fail as not configured. */
    SMTP_URL: smtpUrlSchema,
    /** Twilio account for itinerary texts; unset (any of the three): SMS deliveries fail as not configured. */
    TWILIO_ACCOUNT_SID: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'must be a Twilio Account SID (AC followed by 32 hex digits)')
      .optional(),
    TWILIO_AUTH_TOKEN: secretString({ description: 'Twilio auth token' }).optional(),
    TWILIO_FROM_NUMBER: z
      .string()
      .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 phone number, e.g. +15005550006')
      .optional(),
    /** Unset = live Twilio (https://api.twilio.com); tests point the SDK at the stand-in. */
    TWILIO_API_BASE_URL: z
      .string()
      .url('must be a URL, e.g. http://127.0.0.1:4010')
      .refine((value) => /^https?:\/\//.test(value), { message: 'must be an http(s) URL' })
      .optional(),
    ITINERARY_EMAIL_FROM: z
      .string()
      .email('must be an email address')
      .default('dispatch@caredispatch.invalid'),
    /** Public origin of the itinerary page printed in SMS texts (…/itineraries/<token>). */
    ITINERARY_LINK_BASE_URL: z
      .string()
      .url('must be a URL')
      .transform((value) => value.replace(/\/+$/, ''))
      .default('https://caredispatch.invalid'),
    /**
     * Key of the itinerary links: tokens are derived from it and stored as HMAC digests under it.
     * Required in production; elsewhere unset means a random key per process (links die on restart).
     */
    ITINERARY_LINK_SECRET: secretString({
      description: 'itinerary link key',
      minLength: 32,
    }).optional(),
    ITINERARY_PAGE_RATE_LIMIT_PER_IP_PER_MINUTE: positiveInt(60),
    ITINERARY_PAGE_RATE_LIMIT_PER_LINK_PER_MINUTE: positiveInt(20),
    /** A claimed delivery not recorded within this is looked at again (crash, lost answer). */
    ITINERARY_DELIVERY_LEASE_MS: positiveInt(60_000),
    ITINERARY_DELIVERY_TIMEOUT_MS: positiveInt(10_000),
    ITINERARY_DELIVERY_MAX_ATTEMPTS: positiveInt(8),
    ITINERARY_DELIVERY_RETRY_BASE_MS: positiveInt(1_000),
    ITINERARY_DELIVERY_RETRY_MAX_MS: positiveInt(300_000),
    ITINERARY_DELIVERY_POLL_INTERVAL_MS: positiveInt(1_000),
    ITINERARY_DELIVERY_BATCH_SIZE: positiveInt(20),
    /**
     * Tests only: the service's clock starts at this instant and runs at wall speed, so a
     * process-level test can stand on "Sunday 18:00" or "Tuesday 10:00" of a seeded week.
     */
    CLOCK_START_AT: z
      .string()
      .datetime({ offset: true, message: 'must be an ISO-8601 instant' })
      .optional(),
  })
  .superRefine((config, context) => {
    if (
      config.NODE_ENV === 'production' &&
      /\.invalid$/.test(new URL(config.ITINERARY_LINK_BASE_URL).hostname)
    ) {
      context.addIssue({
        code: 'custom',
        path: ['ITINERARY_LINK_BASE_URL'],
        message: 'is required in production (the public origin of the itinerary page)',
      });
    }
    if (config.NODE_ENV === 'production' && config.ITINERARY_LINK_SECRET === undefined) {
      context.addIssue({
        code: 'custom',
        path: ['ITINERARY_LINK_SECRET'],
        message: 'is required in production (itinerary link key, at least 32 characters)',
      });
    }
    if (config.CLOCK_START_AT !== undefined && config.NODE_ENV !== 'test') {
      context.addIssue({
        code: 'custom',
        path: ['CLOCK_START_AT'],
        message: 'is for tests only: allowed with NODE_ENV=test',
      });
    }
  });

export type DispatchOptimizerConfig = z.output<typeof dispatchOptimizerConfigSchema>;

export function loadDispatchOptimizerConfig(
  env: NodeJS.ProcessEnv = process.env,
): DispatchOptimizerConfig {
  return loadConfig(dispatchOptimizerConfigSchema, env);
}
