import { z } from 'zod';

import { type ClaimNames } from '../principal/claims-mapping';

/** Asymmetric algorithms only: HS* would let anyone holding the (public) JWKS mint tokens. */
export const ALLOWED_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type AllowedAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

const claimName = (fallback: string) => z.string().trim().min(1).default(fallback);

const algorithmList = z
  .string()
  .default(ALLOWED_ALGORITHMS.join(','))
  .transform((value) => value.split(',').map((item) => item.trim()))
  .refine(
    (items): items is AllowedAlgorithm[] =>
      items.length > 0 &&
      items.every((item) => (ALLOWED_ALGORITHMS as readonly string[]).includes(item)),
    { message: `must be a comma-separated subset of ${ALLOWED_ALGORITHMS.join(',')}` },
  );

/**
 * Variables of the access-token check every service reads (spread into the common config).
 * Defaults fit panva's oidc-provider and Keycloak with a tenant mapper; README shows Okta,
 * Entra ID and Auth0 mappings.
 */
export const authConfigShape = {
  /** The `iss` every token must carry; discovery (`/.well-known/openid-configuration`) is under it. */
  OIDC_ISSUER_URL: z
    .string({ required_error: 'is required (the IdP issuer URL)' })
    .url('must be a URL'),
  /** The `aud` every token must contain: this API's identifier at the IdP. */
  OIDC_AUDIENCE: z.string({ required_error: 'is required (the API audience)' }).min(1),
  /** The JWKS URL when discovery is not reachable or not wanted; unset = from discovery. */
  OIDC_JWKS_URL: z.string().url('must be a URL').optional(),
  OIDC_TENANT_CLAIM: claimName('tenant_id'),
  OIDC_ROLES_CLAIM: claimName('roles'),
  OIDC_LOCATIONS_CLAIM: claimName('location_ids'),
  OIDC_PROVIDER_CLAIM: claimName('provider_id'),
  OIDC_ALGORITHMS: algorithmList,
  OIDC_CLOCK_TOLERANCE_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  /** Keys are re-fetched at most this often on an unknown `kid` (rotation) and at least after the max age. */
  OIDC_JWKS_COOLDOWN_MS: z.coerce.number().int().min(0).default(30_000),
  OIDC_JWKS_MAX_AGE_MS: z.coerce.number().int().positive().default(600_000),
  /** Requests per tenant per window, across that tenant's callers (one replica's count). */
  RATE_LIMIT_PER_TENANT: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(60_000),
} as const;

export const authConfigSchema = z.object(authConfigShape);
export type AuthConfig = z.output<typeof authConfigSchema>;

/** What the access-token check needs, independent of how it was configured. */
export interface AuthSettings {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl?: string;
  readonly claims: ClaimNames;
  readonly algorithms: readonly AllowedAlgorithm[];
  readonly clockToleranceSeconds: number;
  readonly jwksCooldownMs: number;
  readonly jwksMaxAgeMs: number;
  readonly rateLimit: { readonly limit: number; readonly windowMs: number };
}

export function authSettingsFrom(config: AuthConfig): AuthSettings {
  return {
    issuer: config.OIDC_ISSUER_URL,
    audience: config.OIDC_AUDIENCE,
    ...(config.OIDC_JWKS_URL !== undefined && { jwksUrl: config.OIDC_JWKS_URL }),
    claims: {
      tenant: config.OIDC_TENANT_CLAIM,
      roles: config.OIDC_ROLES_CLAIM,
      locations: config.OIDC_LOCATIONS_CLAIM,
      provider: config.OIDC_PROVIDER_CLAIM,
    },
    algorithms: config.OIDC_ALGORITHMS,
    clockToleranceSeconds: config.OIDC_CLOCK_TOLERANCE_SECONDS,
    jwksCooldownMs: config.OIDC_JWKS_COOLDOWN_MS,
    jwksMaxAgeMs: config.OIDC_JWKS_MAX_AGE_MS,
    rateLimit: { limit: config.RATE_LIMIT_PER_TENANT, windowMs: config.RATE_LIMIT_WINDOW_MS },
  };
}
