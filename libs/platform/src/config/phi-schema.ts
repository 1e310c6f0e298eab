import { z } from 'zod';

import { Secret } from './secret';

const KEK_BYTES = 32;

function isBase64OfBytes(value: string, bytes: (length: number) => boolean): boolean {
  const decoded = Buffer.from(value, 'base64');
  return bytes(decoded.length) && decoded.toString('base64') === value;
}

/**
 * `{"<kekId>":"<base64 of 32 bytes>", …}`. Messages name the rule, never a value or key id
 * (a key id is harmless, but the rule keeps every message the same shape).
 */
const kekMapSchema = z
  .string({ required_error: 'is required (JSON object of KEK id → base64 of 32 random bytes)' })
  .transform((value, context) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'must be a JSON object' });
      return z.NEVER;
    }
    const entries =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? Object.entries(parsed)
        : [];
    if (entries.length === 0) {
      context.addIssue({ code: 'custom', message: 'must be a non-empty JSON object' });
      return z.NEVER;
    }
    const keks: Record<string, string> = {};
    for (const [kekId, key] of entries) {
      if (typeof key !== 'string' || !isBase64OfBytes(key, (n) => n === KEK_BYTES)) {
        context.addIssue({
          code: 'custom',
          message: `every key must be the base64 of exactly ${KEK_BYTES} bytes`,
        });
        return z.NEVER;
      }
      keks[kekId] = key;
    }
    return new Secret<Readonly<Record<string, string>>>(keks);
  });

const blindIndexKeySchema = z
  .string({ required_error: 'is required (base64 of at least 32 random bytes)' })
  .refine((value) => isBase64OfBytes(value, (n) => n >= KEK_BYTES), {
    message: `must be the base64 of at least ${KEK_BYTES} bytes`,
  })
  .transform((value) => new Secret(value));

/** Variables of the services that store PHI (encryption at rest, libs/phi-crypto). */
export const phiConfigShape = {
  /** Key-encryption keys by id; every id that still wraps a data key must stay listed. */
  PHI_KEKS: kekMapSchema,
  /** The KEK that wraps new data keys and that rotation re-wraps older ones under. */
  PHI_KEK_ID: z.string({ required_error: 'is required (an id listed in PHI_KEKS)' }).min(1),
  /** HMAC key of the blind index (phone → patient lookups); changing it means re-hashing. */
  PHI_BLIND_INDEX_KEY: blindIndexKeySchema,
  /** How often data keys are re-wrapped and plaintext or retired-key columns re-encrypted. */
  PHI_KEY_MAINTENANCE_INTERVAL_MS: z.coerce.number().int().positive().default(3_600_000),
} as const;

export const phiConfigSchema = z.object(phiConfigShape);
export type PhiConfig = z.output<typeof phiConfigSchema>;
