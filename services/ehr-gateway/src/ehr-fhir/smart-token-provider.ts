import { randomUUID } from 'node:crypto';

import { type CryptoKey, importPKCS8, SignJWT } from 'jose';

import { type EhrConnection } from './ehr-connection';
import { EhrFailureKind, EhrFhirError } from './fhir-client.port';

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** SMART Backend Services: the assertion's exp is at most five minutes ahead. */
const ASSERTION_LIFETIME_SECONDS = 240;
/** A token is renewed this long before it expires, so a request never carries a dying one. */
const EXPIRY_MARGIN_MS = 30_000;

interface CachedToken {
  readonly accessToken: string;
  readonly expiresAt: number;
}

/**
 * SMART Backend Services (https://hl7.org/fhir/smart-app-launch/backend-services.html): a JWT
 * client assertion signed with the tenant's private key (jose), exchanged at the EHR's token
 * endpoint for a bearer token, cached per tenant until shortly before it expires. Concurrent
 * callers share one exchange.
 */
export class SmartTokenProvider {
  private readonly cache = new Map<string, CachedToken>();
  private readonly inFlight = new Map<string, Promise<CachedToken>>();

  constructor(
    private readonly clock: { now(): Date },
    private readonly timeoutMs: number,
  ) {}

  async tokenFor(connection: EhrConnection): Promise<string> {
    const cached = this.cache.get(connection.tenantId);
    if (cached && cached.expiresAt - EXPIRY_MARGIN_MS > this.clock.now().getTime()) {
      return cached.accessToken;
    }
    let pending = this.inFlight.get(connection.tenantId);
    if (!pending) {
      pending = this.exchange(connection).finally(() => this.inFlight.delete(connection.tenantId));
      this.inFlight.set(connection.tenantId, pending);
    }
    return (await pending).accessToken;
  }

  /** Forgets the tenant's token (the EHR answered 401 to it). */
  invalidate(tenantId: string): void {
    this.cache.delete(tenantId);
  }

  private async exchange(connection: EhrConnection): Promise<CachedToken> {
    const assertion = await this.clientAssertion(connection);
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: connection.scope,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    });
    let response: Response;
    try {
      response = await fetch(connection.tokenUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      throw new EhrFhirError(
        EhrFailureKind.AuthorizationUnavailable,
        0,
        'token endpoint unreachable or timed out',
      );
    }
    const answer: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const retry = response.status === 429 || response.status >= 500;
      throw new EhrFhirError(
        retry ? EhrFailureKind.AuthorizationUnavailable : EhrFailureKind.AuthorizationRejected,
        response.status,
        `token endpoint answered ${response.status}`,
      );
    }
    const accessToken = fieldOf(answer, 'access_token');
    const expiresIn = Number(fieldOf(answer, 'expires_in') ?? 300);
    if (typeof accessToken !== 'string' || accessToken === '' || !(expiresIn > 0)) {
      throw new EhrFhirError(
        EhrFailureKind.AuthorizationRejected,
        response.status,
        'token endpoint answered without a usable access_token',
      );
    }
    const token = { accessToken, expiresAt: this.clock.now().getTime() + expiresIn * 1000 };
    this.cache.set(connection.tenantId, token);
    return token;
  }

  private async clientAssertion(connection: EhrConnection): Promise<string> {
    let key: CryptoKey;
    try {
      key = await importPKCS8(connection.privateKey.reveal(), connection.algorithm);
    } catch {
      throw new EhrFhirError(
        EhrFailureKind.AuthorizationRejected,
        0,
        `the private key does not fit ${connection.algorithm}`,
      );
    }
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: connection.algorithm, kid: connection.keyId, typ: 'JWT' })
      .setIssuer(connection.clientId)
      .setSubject(connection.clientId)
      .setAudience(connection.tokenUrl)
      .setJti(randomUUID())
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + ASSERTION_LIFETIME_SECONDS)
      .sign(key);
  }
}

function fieldOf(value: unknown, field: string): unknown {
  return typeof value === 'object' && value !== null
    ? (value as Record<string, unknown>)[field]
    : undefined;
}
