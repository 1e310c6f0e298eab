import { z } from 'zod';

import { commonConfigShape, loadConfig, secretString } from '@caredispatch/platform';

import { parsePublicKey, parseSigningKey } from './audit-chain/tree-head';

export const TREE_HEAD_ANCHOR_KINDS = ['kafka', 'file'] as const;
export type TreeHeadAnchorKind = (typeof TREE_HEAD_ANCHOR_KINDS)[number];

export const auditLogConfigSchema = z
  .object({
    ...commonConfigShape,
    HTTP_PORT: commonConfigShape.HTTP_PORT.default(3006),
    /** Overridable so a test instance never shares partitions with a running service. */
    KAFKA_CONSUMER_GROUP: z.string().min(1).default('audit-log'),
    /** `<keyId>:<base64 PKCS#8 DER>` of the Ed25519 key that signs tree heads (the newest key). */
    AUDIT_TREE_HEAD_SIGNING_KEY: secretString({
      description: '<keyId>:<base64 PKCS#8 DER> Ed25519 private key',
    }).superRefine((secret, context) => {
      try {
        parseSigningKey(secret.reveal());
      } catch (error) {
        context.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }),
    /** Retired verification keys, `<keyId>:<base64 SPKI DER>` comma-separated: old heads stay checkable. */
    AUDIT_TREE_HEAD_RETIRED_KEYS: z
      .string()
      .default('')
      .transform((value, context) => {
        try {
          return value
            .split(',')
            .filter((entry) => entry.trim() !== '')
            .map(parsePublicKey);
        } catch (error) {
          context.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** How often every tenant whose log grew gets a new signed, anchored tree head. */
    AUDIT_TREE_HEAD_INTERVAL_MS: z.coerce.number().int().positive().default(300_000),
    /** Where tree heads are anchored outside the audit database: `kafka`, `file`, or both. */
    AUDIT_TREE_HEAD_ANCHORS: z
      .string()
      .default('kafka')
      .transform((value) => [...new Set(value.split(',').map((kind) => kind.trim()))])
      .pipe(z.array(z.enum(TREE_HEAD_ANCHOR_KINDS)).min(1)),
    /** Directory of the append-only anchor files (required with the `file` anchor). */
    AUDIT_TREE_HEAD_ANCHOR_DIRECTORY: z.string().min(1).optional(),
    /** Most rows one export may hold; a larger result asks for a narrower filter. */
    AUDIT_EXPORT_MAX_ROWS: z.coerce.number().int().positive().default(10_000),
  })
  .superRefine((config, context) => {
    if (
      config.AUDIT_TREE_HEAD_ANCHORS.includes('file') &&
      !config.AUDIT_TREE_HEAD_ANCHOR_DIRECTORY
    ) {
      context.addIssue({
        code: 'custom',
        path: ['AUDIT_TREE_HEAD_ANCHOR_DIRECTORY'],
        message: 'is required when AUDIT_TREE_HEAD_ANCHORS includes file',
      });
    }
  });

export type AuditLogConfig = z.output<typeof auditLogConfigSchema>;

export function loadAuditLogConfig(env: NodeJS.ProcessEnv = process.env): AuditLogConfig {
  return loadConfig(auditLogConfigSchema, env);
}
