import { z } from 'zod';

import { commonConfigShape } from '@caredispatch/platform';

import { parsePublicKey } from '../audit-chain/tree-head';

import { MINIMUM_RETENTION_MONTHS } from './retention-policy';

/** `audit:retention archive` (run as the owner role, like the migrate step). */
export const archiveConfigSchema = z.object({
  /** The owner role: only it may drop a partition (older than the retention). */
  DATABASE_MIGRATION_URL: commonConfigShape.DATABASE_URL,
  /** Directory store of the archives (a mounted volume; object storage: see the README). */
  AUDIT_ARCHIVE_DIRECTORY: z.string().min(1),
  /** Retention in months; refused below six years. Raising it is recorded in the database. */
  AUDIT_RETENTION_MONTHS: z.coerce
    .number()
    .int()
    .min(MINIMUM_RETENTION_MONTHS)
    .default(MINIMUM_RETENTION_MONTHS),
  /**
   * Every public key that signed a stored head, `<keyId>:<base64 SPKI DER>` comma-separated
   * (the current key's public half and the retired ones): copied into each archive.
   */
  AUDIT_TREE_HEAD_PUBLIC_KEYS: z.string().transform((value, context) => {
    try {
      const keys = value
        .split(',')
        .filter((entry) => entry.trim() !== '')
        .map(parsePublicKey);
      if (keys.length === 0) throw new Error('at least one key is required');
      return keys;
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
});

export type ArchiveConfig = z.output<typeof archiveConfigSchema>;

/** `audit:retention install-guard` (a superuser, once per database, after the migrations). */
export const guardConfigSchema = z.object({
  DATABASE_SUPERUSER_URL: commonConfigShape.DATABASE_URL,
});
