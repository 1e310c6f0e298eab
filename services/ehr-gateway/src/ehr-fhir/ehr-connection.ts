import { inspect } from 'node:util';

import { z } from 'zod';

import { Secret } from '@caredispatch/platform';

/** How the practice marks a confirmed visit beyond the participant status. */
export type ConfirmationMarker =
  | { readonly type: 'none' }
  /** An extension on the Appointment, `valueBoolean: true`. */
  | { readonly type: 'extension'; readonly url: string }
  /** Text appended to `Appointment.comment` (many EHRs show the comment on the schedule). */
  | { readonly type: 'comment'; readonly text: string };

/** One tenant's EHR: FHIR base, SMART Backend Services client, write-back conventions. */
export interface EhrConnection {
  readonly tenantId: string;
  readonly fhirBaseUrl: string;
  readonly tokenUrl: string;
  readonly clientId: string;
  /** `kid` of the client's public key in the JWKS registered with the EHR. */
  readonly keyId: string;
  readonly algorithm: 'RS384' | 'ES384';
  readonly scope: string;
  readonly confirmationMarker: ConfirmationMarker;
  /** `update` moves the appointment; `cancel-and-create` books a new one in the slot. */
  readonly rescheduleMode: 'update' | 'cancel-and-create';
  /** The client's private key (PKCS#8 PEM). */
  readonly privateKey: Secret;
}

const DEFAULT_SCOPE =
  'system/Appointment.rs system/Appointment.cu system/Slot.rs system/Schedule.rs';

const connectionShape = z
  .object({
    fhirBaseUrl: z.string().url(),
    tokenUrl: z.string().url(),
    clientId: z.string().min(1).max(200),
    keyId: z.string().min(1).max(200),
    algorithm: z.enum(['RS384', 'ES384']).default('RS384'),
    scope: z.string().min(1).default(DEFAULT_SCOPE),
    confirmationMarker: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('none') }),
        z.object({ type: z.literal('extension'), url: z.string().url() }),
        z.object({ type: z.literal('comment'), text: z.string().min(1).max(200) }),
      ])
      .default({ type: 'none' }),
    rescheduleMode: z.enum(['update', 'cancel-and-create']).default('update'),
  })
  .strict();

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Every tenant's EHR connection; the private keys inside are Secrets. */
export class EhrConnections {
  constructor(private readonly connections: ReadonlyMap<string, EhrConnection>) {}

  of(tenantId: string): EhrConnection | undefined {
    return this.connections.get(tenantId);
  }

  get tenantIds(): readonly string[] {
    return [...this.connections.keys()];
  }

  toJSON(): string {
    return `EhrConnections(${this.connections.size} tenants)`;
  }

  [inspect.custom](): string {
    return this.toJSON();
  }
}

function parseJsonObject(raw: string, context: z.RefinementCtx, what: string): object | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed;
  } catch {
    // reported below
  }
  context.addIssue({ code: z.ZodIssueCode.custom, message: `must be a JSON object of ${what}` });
  return undefined;
}

/** `EHR_CONNECTIONS`: JSON tenantId → connection settings (no secrets). */
export const ehrConnectionSettingsSchema = z
  .string()
  .default('{}')
  .transform((raw, context) => {
    const parsed = parseJsonObject(raw, context, 'tenantId → EHR connection');
    const settings = new Map<string, z.output<typeof connectionShape>>();
    for (const [tenantId, value] of Object.entries(parsed ?? {})) {
      if (!TENANT_ID.test(tenantId)) {
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `tenant id "${tenantId}" is invalid`,
        });
        continue;
      }
      const result = connectionShape.safeParse(value);
      if (result.success) settings.set(tenantId, result.data);
      else
        for (const issue of result.error.issues)
          context.addIssue({
            code: z.ZodIssueCode.custom,
            message: `tenant "${tenantId}": ${issue.path.join('.') || '(value)'} ${issue.message}`,
          });
    }
    return settings;
  });

/** `EHR_PRIVATE_KEYS`: JSON tenantId → PKCS#8 PEM private key. Secret. */
export const ehrPrivateKeysSchema = z
  .string()
  .default('{}')
  .transform((raw, context) => {
    const parsed = parseJsonObject(raw, context, 'tenantId → PKCS#8 PEM private key');
    const keys = new Map<string, Secret>();
    for (const [tenantId, value] of Object.entries(parsed ?? {})) {
      if (typeof value !== 'string' || !value.includes('-----BEGIN PRIVATE KEY-----')) {
        // Never echo the value: it is a private key.
        context.addIssue({
          code: z.ZodIssueCode.custom,
          message: `key for tenant "${tenantId}" must be a PKCS#8 PEM ("BEGIN PRIVATE KEY")`,
        });
      } else keys.set(tenantId, new Secret(value));
    }
    return new Secret(keys);
  });

export type EhrConnectionSettings = ReadonlyMap<string, z.output<typeof connectionShape>>;

/** Tenants of EHR_CONNECTIONS without a key in EHR_PRIVATE_KEYS (a configuration error). */
export function tenantsWithoutKey(
  settings: EhrConnectionSettings,
  keys: Secret<ReadonlyMap<string, Secret>>,
): string[] {
  return [...settings.keys()].filter((tenantId) => !keys.reveal().has(tenantId));
}

/** Joins settings and keys (checked at start-up by the config schema). */
export function joinEhrConnections(
  settings: EhrConnectionSettings,
  keys: Secret<ReadonlyMap<string, Secret>>,
): EhrConnections {
  const connections = new Map<string, EhrConnection>();
  for (const [tenantId, setting] of settings) {
    const privateKey = keys.reveal().get(tenantId);
    if (privateKey) connections.set(tenantId, { tenantId, ...setting, privateKey });
  }
  return new EhrConnections(connections);
}
