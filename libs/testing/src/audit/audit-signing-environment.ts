import { generateKeyPairSync } from 'node:crypto';

/**
 * A fresh Ed25519 tree-head signing key for audit-log under test, in the form
 * `AUDIT_TREE_HEAD_SIGNING_KEY` takes (`<keyId>:<base64 PKCS#8 DER>`). Random per call.
 */
export function auditSigningEnvironment(keyId = 'test-head-key'): {
  AUDIT_TREE_HEAD_SIGNING_KEY: string;
} {
  const { privateKey } = generateKeyPairSync('ed25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return { AUDIT_TREE_HEAD_SIGNING_KEY: `${keyId}:${der.toString('base64')}` };
}
