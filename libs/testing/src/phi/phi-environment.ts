import { randomBytes } from 'node:crypto';

/**
 * Fresh PHI_* variables for a service under test: two KEKs (the older one still listed, as
 * after a rotation) and a blind-index key. Random per call; nothing here is a real secret.
 */
export function phiEnvironment(): Record<
  'PHI_KEKS' | 'PHI_KEK_ID' | 'PHI_BLIND_INDEX_KEY',
  string
> {
  return {
    PHI_KEKS: JSON.stringify({
      'test-kek-1': randomBytes(32).toString('base64'),
      'test-kek-2': randomBytes(32).toString('base64'),
    }),
    PHI_KEK_ID: 'test-kek-2',
    PHI_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
  };
}
