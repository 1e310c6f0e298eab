import { inspect } from 'node:util';

import { z } from 'zod';

import { commonConfigShape, loadConfig } from '@caredispatch/platform';

import { isIanaTimeZone } from './ehr-webhook/fhir/fhir-date-time';
import { isSupportedRegion } from './ehr-webhook/fhir/phone-number';
import { decodeWebhookSecret } from './ehr-webhook/signature/webhook-secret';

/** Tenant ids appear in URLs, Kafka keys and every row; keep them short and URL-safe. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;

/**
 * HMAC keys per tenant. Wrapped so the key bytes can never reach a log line or a config
 * dump by accident: JSON and util.inspect both print a redaction.
 */
export class TenantWebhookKeys {
  constructor(private readonly keys: ReadonlyMap<string, Buffer>) {}

  keyFor(tenantId: string): Buffer | undefined {
    return this.keys.get(tenantId);
  }

  get tenantIds(): readonly string[] {
    return [...this.keys.keys()];
  }

  toJSON(): string {
    return '[REDACTED]';
  }

  [inspect.custom](): string {
    return `TenantWebhookKeys(${this.keys.size} tenants, [REDACTED])`;
  }
}

/** Parses a JSON object of tenantId → string; issues never quote values (they may be secrets). */
function tenantMap(description: string) {
  return z.string().transform((raw, context): ReadonlyMap<string, string> => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must be a JSON object of ${description}`,
      });
      return z.NEVER;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must be a JSON object of ${description}`,
      });
      return z.NEVER;
    }
    const entries = new Map<string, string>();
    for (const [tenantId, value] of Object.entries(parsed)) {
      if (!TENANT_ID_PATTERN.test(tenantId)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `tenant id "${tenantId}" must match ${TENANT_ID_PATTERN.source}`,
        });
      } else if (typeof value !== 'string' || value.trim() === '') {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `value for tenant "${tenantId}" must be a non-empty string`,
        });
      } else {
        entries.set(tenantId, value.trim());
      }
    }
    return entries;
  });
}

const webhookSecretsSchema = tenantMap('tenantId → Standard Webhooks secret').transform(
  (secrets, context) => {
    const keys = new Map<string, Buffer>();
    for (const [tenantId, secret] of secrets) {
      const key = decodeWebhookSecret(secret);
      if (Buffer.isBuffer(key)) keys.set(tenantId, key);
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
    PRACTICE_NAMES: tenantMap('tenantId → practice name').optional(),
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
