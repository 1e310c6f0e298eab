import { inspect } from 'node:util';

import { z } from 'zod';

import {
  commonConfigShape,
  phiConfigShape,
  loadConfig,
  practiceNamesSchema,
  Secret,
  tenantJsonMap,
} from '@caredispatch/platform';

import {
  ehrConnectionSettingsSchema,
  ehrPrivateKeysSchema,
  tenantsWithoutKey,
} from './ehr-fhir/ehr-connection';
import { isIanaTimeZone } from './ehr-webhook/fhir/fhir-date-time';
import { isSupportedRegion } from './ehr-webhook/fhir/phone-number';
import { decodeWebhookSecret } from './ehr-webhook/signature/webhook-secret';

/**
 * HMAC keys per tenant, each a Secret. The map is wrapped too so a dump shows how many
 * tenants are configured and nothing else.
 */
export class TenantWebhookKeys {
  constructor(private readonly keys: ReadonlyMap<string, Secret<Buffer>>) {}

  keyFor(tenantId: string): Secret<Buffer> | undefined {
    return this.keys.get(tenantId);
  }

  get tenantIds(): readonly string[] {
    return [...this.keys.keys()];
  }

  toJSON(): string {
    return '[secret]';
  }

  [inspect.custom](): string {
    return `TenantWebhookKeys(${this.keys.size} tenants, [secret])`;
  }
}

const webhookSecretsSchema = tenantJsonMap('tenantId → Standard Webhooks secret').transform(
  (secrets, context) => {
    const keys = new Map<string, Secret<Buffer>>();
    for (const [tenantId, secret] of secrets) {
      const key = decodeWebhookSecret(secret);
      if (Buffer.isBuffer(key)) keys.set(tenantId, new Secret(key));
      else
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `secret for tenant "${tenantId}": ${key.problem}`,
        });
    }
    if (secrets.size === 0) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must configure at least one tenant',
      });
    }
    return new TenantWebhookKeys(keys);
  },
);

export const ehrGatewayConfigSchema = z
  .object({
    ...commonConfigShape,
    ...phiConfigShape,
    HTTP_PORT: commonConfigShape.HTTP_PORT.default(3001),
    /** JSON tenantId → secret (`whsec_<base64>` or a plain string of 24-64 bytes). Secret. */
    EHR_WEBHOOK_SECRETS: webhookSecretsSchema,
    /** Accepted clock skew / replay window for `webhook-timestamp`, in seconds. */
    WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
    /** Larger bodies get 413 before anything is read into memory. */
    WEBHOOK_MAX_BODY_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(10 * 1024 * 1024)
      .default(1_048_576),
    /** How long accepted webhook ids are kept for replay detection. */
    WEBHOOK_ID_RETENTION_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(72),
    /** ISO 3166 region used to read phone numbers written without a country code. */
    DEFAULT_PHONE_REGION: z.string().default('US').refine(isSupportedRegion, {
      message: 'must be an ISO 3166-1 alpha-2 region known to libphonenumber',
    }),
    /**
     * Time zone for Locations without the HL7 timezone extension. Unset on purpose by
     * default: guessing a zone would text patients the wrong local time, so such
     * deliveries are refused (422 UNKNOWN_TIME_ZONE) until the operator sets one.
     */
    DEFAULT_TIME_ZONE: z
      .string()
      .refine(isIanaTimeZone, { message: 'must be an IANA time zone such as America/New_York' })
      .optional(),
    /** Optional JSON tenantId → practice display name; wins over the EHR's Organization.name. */
    PRACTICE_NAMES: practiceNamesSchema,
    KAFKA_CONSUMER_GROUP: z.string().min(1).default('ehr-gateway'),
    /** JSON tenantId → EHR connection (FHIR base, SMART client, write-back conventions). */
    EHR_CONNECTIONS: ehrConnectionSettingsSchema,
    /** JSON tenantId → PKCS#8 PEM private key of the SMART backend client. Secret. */
    EHR_PRIVATE_KEYS: ehrPrivateKeysSchema,
    /** Timeout of one EHR request (token exchange included). */
    EHR_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    /** How often the write-back relay looks for due jobs. */
    EHR_WRITE_BACK_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1_000),
    /** First retry delay after a transient EHR failure; doubles up to the maximum. */
    EHR_WRITE_BACK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(600_000).default(2_000),
    EHR_WRITE_BACK_RETRY_MAX_MS: z.coerce.number().int().min(10).max(3_600_000).default(300_000),
    /**
     * Minutes after the patient's answer a write-back still failing transiently (429, 5xx,
     * token endpoint down) gives up and goes to the staff inbox (fractions allowed).
     */
    EHR_WRITE_BACK_GIVE_UP_MINUTES: z.coerce
      .number()
      .positive()
      .max(7 * 24 * 60)
      .default(60),
    /** Free-slot poll interval per tenant; 0 = only after write-backs. */
    EHR_SLOT_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
    /** How many days ahead the free slots are searched. */
    EHR_SLOT_WINDOW_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  })
  .refine(
    (config) => tenantsWithoutKey(config.EHR_CONNECTIONS, config.EHR_PRIVATE_KEYS).length === 0,
    {
      message: 'every tenant of EHR_CONNECTIONS needs a private key',
      path: ['EHR_PRIVATE_KEYS'],
    },
  )
  .refine((config) => config.EHR_WRITE_BACK_RETRY_BASE_MS <= config.EHR_WRITE_BACK_RETRY_MAX_MS, {
    message: 'must not be less than EHR_WRITE_BACK_RETRY_BASE_MS',
    path: ['EHR_WRITE_BACK_RETRY_MAX_MS'],
  })
  .refine(
    (config) => config.WEBHOOK_ID_RETENTION_HOURS * 3600 > 2 * config.WEBHOOK_TOLERANCE_SECONDS,
    {
      // Ids may be forgotten only once their timestamp alone gets them rejected as stale.
      message: 'must exceed twice WEBHOOK_TOLERANCE_SECONDS',
      path: ['WEBHOOK_ID_RETENTION_HOURS'],
    },
  );

export type EhrGatewayConfig = z.output<typeof ehrGatewayConfigSchema>;

export function loadEhrGatewayConfig(env: NodeJS.ProcessEnv = process.env): EhrGatewayConfig {
  return loadConfig(ehrGatewayConfigSchema, env);
}
