import { createRemoteJWKSet, type JWTPayload, jwtVerify } from 'jose';

import { type AuthSettings } from '../config/auth-config';
import { ClaimsError, principalFromClaims } from '../principal/claims-mapping';
import { type Principal } from '../principal/principal';

/** The token is not acceptable: 401, never retried with the same token. */
export class AccessTokenRejected extends Error {
  override readonly name = AccessTokenRejected.name;
}

/** The IdP's keys could not be obtained: 503, the caller may retry. */
export class IdentityProviderUnavailable extends Error {
  override readonly name = IdentityProviderUnavailable.name;
}

/** jose codes that mean "this token is bad", as opposed to "the keys are unreachable". */
const REJECTION_CODES = new Set([
  'ERR_JWT_EXPIRED',
  'ERR_JWT_CLAIM_VALIDATION_FAILED',
  'ERR_JWT_INVALID',
  'ERR_JWS_INVALID',
  'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  'ERR_JOSE_ALG_NOT_ALLOWED',
  'ERR_JOSE_NOT_SUPPORTED',
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JWK_INVALID',
]);

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * Verifies bearer access tokens against the issuer's JWKS: signature with an allowed
 * asymmetric algorithm, `iss`, `aud`, `exp` (required) and `nbf` within the clock tolerance.
 * Keys are cached by jose's remote key set and re-fetched on an unknown `kid` (rotation),
 * at most once per cooldown.
 */
export class AccessTokenVerifier {
  private keySet: Promise<KeySet> | undefined;

  constructor(
    private readonly settings: AuthSettings,
    private readonly fetchJson: (url: string) => Promise<unknown> = fetchJsonDocument,
  ) {}

  async verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keys(), {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: [...this.settings.algorithms],
        clockTolerance: this.settings.clockToleranceSeconds,
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      throw this.classify(error);
    }
    try {
      return principalFromClaims(payload, this.settings.claims);
    } catch (error) {
      if (error instanceof ClaimsError) throw new AccessTokenRejected(error.message);
      throw error;
    }
  }

  private classify(error: unknown): Error {
    if (error instanceof AccessTokenRejected || error instanceof IdentityProviderUnavailable) {
      return error;
    }
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && REJECTION_CODES.has(code)) {
      return new AccessTokenRejected(code);
    }
    return new IdentityProviderUnavailable(
      error instanceof Error ? error.message : 'cannot obtain the signing keys',
    );
  }

  private keys(): Promise<KeySet> {
    this.keySet ??= this.resolveJwksUrl().then(
      (url) =>
        createRemoteJWKSet(new URL(url), {
          cooldownDuration: this.settings.jwksCooldownMs,
          cacheMaxAge: this.settings.jwksMaxAgeMs,
        }),
      (error: unknown) => {
        // Discovery failed: forget it so the next request tries again.
        this.keySet = undefined;
        throw new IdentityProviderUnavailable(
          error instanceof Error ? error.message : 'discovery failed',
        );
      },
    );
    return this.keySet;
  }

  private async resolveJwksUrl(): Promise<string> {
    if (this.settings.jwksUrl !== undefined) return this.settings.jwksUrl;
    const discoveryUrl = `${this.settings.issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const document = (await this.fetchJson(discoveryUrl)) as {
      issuer?: unknown;
      jwks_uri?: unknown;
    };
    // OpenID Connect Discovery §4.3: the document must name the issuer it was fetched for.
    if (document.issuer !== this.settings.issuer) {
      throw new Error(`discovery document names issuer ${String(document.issuer)}`);
    }
    if (typeof document.jwks_uri !== 'string')
      throw new Error('discovery document has no jwks_uri');
    return document.jwks_uri;
  }
}

async function fetchJsonDocument(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.json();
}
