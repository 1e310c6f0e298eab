import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { exportJWK, generateKeyPair, type JWK, type CryptoKey } from 'jose';

import { freePort } from '../process/free-port';

export interface TokenRequest {
  tenantId: string;
  roles: readonly string[];
  providerId?: string;
  locationIds?: readonly string[];
  /** OAuth scopes to ask for (a subset of TestIdentityProvider.SCOPES). */
  scopes?: readonly string[];
}

/** The audience every CareDispatch service accepts in tests and the demo. */
export const TEST_AUDIENCE = 'https://api.caredispatch.test';

/**
 * A real OpenID Provider (panva's oidc-provider) in a child process: discovery, JWKS and the
 * client-credentials grant issuing JWT access tokens with tenant and roles claims. Start one
 * per test file; `token(...)` registers a machine client per (tenant, roles, …) and caches
 * its tokens. The signing key is exposed so rejection tests can forge near-miss tokens.
 */
export class TestIdentityProvider {
  static readonly SCOPES = ['appointments:read', 'audit:read', 'audit:export'] as const;

  private readonly clients = new Map<string, Promise<{ id: string; secret: string }>>();
  private readonly tokens = new Map<string, Promise<string>>();
  private constructor(
    private readonly child: ChildProcess,
    readonly issuer: string,
    readonly audience: string,
    /** The private key the provider signs with (kid = `keyId`). */
    readonly signingKey: CryptoKey,
    readonly keyId: string,
    readonly algorithm: string,
    private readonly initialAccessToken: string,
  ) {}

  static async start(
    options: { audience?: string; accessTokenTtlSeconds?: number } = {},
  ): Promise<TestIdentityProvider> {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const audience = options.audience ?? TEST_AUDIENCE;
    const algorithm = 'ES256';
    const { privateKey } = await generateKeyPair(algorithm, { extractable: true });
    const keyId = randomUUID();
    const initialAccessToken = randomBytes(24).toString('base64url');
    const jwk: JWK = { ...(await exportJWK(privateKey)), kid: keyId, alg: algorithm, use: 'sig' };
    const provider = new TestIdentityProvider(
      spawn(process.execPath, ['--no-warnings', join(__dirname, 'oidc-provider-main.mjs')], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          OIDC_STAND_IN_SETTINGS: JSON.stringify({
            port,
            issuer,
            audience,
            jwks: { keys: [jwk] },
            initialAccessToken,
            accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 3600,
            scopes: TestIdentityProvider.SCOPES,
          }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      issuer,
      audience,
      privateKey,
      keyId,
      algorithm,
      initialAccessToken,
    );
    await provider.ready();
    return provider;
  }

  /** The variables that point a service at this provider. */
  environment(): Record<string, string> {
    return { OIDC_ISSUER_URL: this.issuer, OIDC_AUDIENCE: this.audience };
  }

  /** A valid access token (client-credentials grant) for the tenant and roles. */
  token(request: TokenRequest): Promise<string> {
    const key = JSON.stringify(request);
    let token = this.tokens.get(key);
    if (token === undefined) {
      token = this.requestToken(request);
      token.catch(() => this.tokens.delete(key));
      this.tokens.set(key, token);
    }
    return token;
  }

  /** `{ authorization: 'Bearer …' }` for fetch. */
  async authorization(request: TokenRequest): Promise<{ authorization: string }> {
    return { authorization: `Bearer ${await this.token(request)}` };
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await exited;
  }

  private async requestToken(request: TokenRequest): Promise<string> {
    const client = await this.client(request);
    const body = new URLSearchParams({ grant_type: 'client_credentials', resource: this.audience });
    if (request.scopes?.length) body.set('scope', request.scopes.join(' '));
    const response = await fetch(`${this.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body,
    });
    const answer = (await response.json()) as {
      access_token?: string;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || answer.access_token === undefined) {
      throw new Error(
        `token request failed: ${response.status} ${answer.error ?? ''} ${answer.error_description ?? ''}`,
      );
    }
    return answer.access_token;
  }

  private client(request: TokenRequest): Promise<{ id: string; secret: string }> {
    const key = JSON.stringify({ ...request, scopes: undefined });
    let client = this.clients.get(key);
    if (client === undefined) {
      client = this.register(request);
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }

  /** RFC 7591 dynamic registration; the claims ride along as client metadata. */
  private async register(request: TokenRequest): Promise<{ id: string; secret: string }> {
    const response = await fetch(`${this.issuer}/reg`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.initialAccessToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
        scope: TestIdentityProvider.SCOPES.join(' '),
        tenant_id: request.tenantId,
        roles: request.roles,
        ...(request.providerId !== undefined && { provider_id: request.providerId }),
        ...(request.locationIds !== undefined && { location_ids: request.locationIds }),
      }),
    });
    const answer = (await response.json()) as {
      client_id?: string;
      client_secret?: string;
      error_description?: string;
    };
    if (!response.ok || answer.client_id === undefined || answer.client_secret === undefined) {
      throw new Error(
        `client registration failed: ${response.status} ${answer.error_description ?? ''}`,
      );
    }
    return { id: answer.client_id, secret: answer.client_secret };
  }

  private async ready(): Promise<void> {
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`oidc-provider did not start: ${output}`)),
        60_000,
      );
      const onData = (chunk: Buffer): void => {
        output += chunk.toString();
        if (output.includes('oidc-provider listening')) {
          clearTimeout(timer);
          resolve();
        }
      };
      this.child.stdout?.on('data', onData);
      this.child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      this.child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`oidc-provider exited (${String(code)}): ${output}`));
      });
    });
  }
}

/**
 * For tests that only load a service's configuration or call public routes: keys are fetched
 * lazily, so nothing listens here and any protected route answers 503.
 */
export const OFFLINE_OIDC_ENVIRONMENT: Readonly<Record<string, string>> = {
  OIDC_ISSUER_URL: 'http://127.0.0.1:9/offline-issuer',
  OIDC_AUDIENCE: TEST_AUDIENCE,
};
