import {
  type CryptoKey,
  decodeJwt,
  exportJWK,
  exportSPKI,
  importJWK,
  type JWTPayload,
  SignJWT,
} from 'jose';

import { type TestIdentityProvider } from './test-identity-provider';

/** The token defects issue 8's acceptance 1 names; each must be refused with 401. */
export const TOKEN_DEFECTS = [
  'expired',
  'wrong audience',
  'wrong issuer',
  'alg none',
  'HS256 with the public key',
] as const;
export type TokenDefect = (typeof TOKEN_DEFECTS)[number];

export interface NearMissTokens {
  /** The valid token's claims re-signed unchanged with the provider's key: must be accepted. */
  readonly control: string;
  /** The same claims with exactly one defect each. */
  readonly defective: Readonly<Record<TokenDefect, string>>;
}

/**
 * Tokens one defect away from `valid` (a token the provider issued), so a refusal can only be
 * for that defect: the control, signed the same way without a defect, proves the forging.
 */
export async function nearMissTokens(
  identity: TestIdentityProvider,
  valid: string,
): Promise<NearMissTokens> {
  const claims = decodeJwt(valid);
  const now = Math.floor(Date.now() / 1000);
  const sign = (
    payload: JWTPayload,
    alg = identity.algorithm,
    key: CryptoKey | Uint8Array = identity.signingKey,
  ) => new SignJWT(payload).setProtectedHeader({ alg, kid: identity.keyId }).sign(key);
  const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
  // The classic key-confusion attack: the provider's public key, as PEM text, used as an HMAC secret.
  const { d: _private, ...publicJwk } = await exportJWK(identity.signingKey);
  const publicPem = await exportSPKI((await importJWK(publicJwk, identity.algorithm)) as CryptoKey);
  return {
    control: await sign(claims),
    defective: {
      expired: await sign({ ...claims, iat: now - 3600, exp: now - 120 }),
      'wrong audience': await sign({ ...claims, aud: 'https://other-api.example' }),
      'wrong issuer': await sign({ ...claims, iss: 'https://evil.example' }),
      'alg none': unsigned,
      'HS256 with the public key': await sign(claims, 'HS256', new TextEncoder().encode(publicPem)),
    },
  };
}
