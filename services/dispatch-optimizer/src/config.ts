import { z } from 'zod';

import { commonConfigShape, loadConfig, Secret, tenantJsonMap } from '@caredispatch/platform';

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

export const dispatchOptimizerConfigSchema = z.object({
  ...commonConfigShape,
  HTTP_PORT: commonConfigShape.HTTP_PORT.default(3004),
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
  SMTP_URL: z
    .string()
    .url('must be a URL')
    .refine((url) => /^smtps?:\/\//.test(url), { message: 'must be an smtp:// or smtps:// URL' })
    .optional()
    .transform((value) => (value === undefined ? undefined : new Secret(value))),
  ITINERARY_EMAIL_FROM: z
    .string()
    .email('must be an email address')
    .default('dispatch@caredispatch.invalid'),
  /** Base of the link in itinerary SMS texts (…/itineraries/<delivery id>). */
  ITINERARY_LINK_BASE_URL: z.string().url('must be a URL').default('https://caredispatch.invalid'),
  /** A claimed delivery not recorded within this is looked at again (crash, lost answer). */
  ITINERARY_DELIVERY_LEASE_MS: positiveInt(60_000),
  ITINERARY_DELIVERY_TIMEOUT_MS: positiveInt(10_000),
  ITINERARY_DELIVERY_MAX_ATTEMPTS: positiveInt(8),
  ITINERARY_DELIVERY_RETRY_BASE_MS: positiveInt(1_000),
  ITINERARY_DELIVERY_RETRY_MAX_MS: positiveInt(300_000),
  ITINERARY_DELIVERY_POLL_INTERVAL_MS: positiveInt(1_000),
  ITINERARY_DELIVERY_BATCH_SIZE: positiveInt(20),
});

export type DispatchOptimizerConfig = z.output<typeof dispatchOptimizerConfigSchema>;

export function loadDispatchOptimizerConfig(
  env: NodeJS.ProcessEnv = process.env,
): DispatchOptimizerConfig {
  return loadConfig(dispatchOptimizerConfigSchema, env);
}
