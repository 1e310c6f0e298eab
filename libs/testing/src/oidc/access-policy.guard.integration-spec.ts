import { randomUUID } from 'node:crypto';

import { Controller, Get, type INestApplication, Module, Param } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  exportJWK,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWTPayload,
  SignJWT,
  type CryptoKey,
} from 'jose';

import {
  AuthModule,
  authConfigSchema,
  authSettingsFrom,
  Authorize,
  CurrentPrincipal,
  type Principal,
  PublicRoute,
  requireTenant,
  Role,
} from '@caredispatch/auth';

import { freePort } from '../process/free-port';

import { nearMissTokens, TOKEN_DEFECTS } from './near-miss-tokens';
import { TestIdentityProvider } from './test-identity-provider';
// The guard is libs/auth's; its test lives beside the identity provider it needs, since
// libs/testing depends on libs/auth and not the other way round.

@Controller('v1/tenants/:tenantId/things')
@Authorize({ roles: [Role.Coordinator, Role.Integration] })
class ThingsController {
  @Get()
  list(@CurrentPrincipal() principal: Principal, @Param('tenantId') tenantId: string): object {
    return { tenantId: requireTenant(principal, tenantId), subject: principal.subject };
  }

  @Get('audited')
  @Authorize({ roles: [Role.ComplianceOfficer], scopes: ['audit:read'] })
  audited(@CurrentPrincipal() principal: Principal): object {
    return { tenantId: principal.tenantId };
  }

  @Get('open')
  @PublicRoute('fixture: a route that needs no token')
  open(): object {
    return { open: true };
  }
}

const RATE_LIMIT = 25;

describe(AuthModule.name, () => {
  let identity: TestIdentityProvider;
  let app: INestApplication;
  let baseUrl: string;
  const tenantId = `tenant-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    identity = await TestIdentityProvider.start();
    const settings = authSettingsFrom(
      authConfigSchema.parse({
        ...identity.environment(),
        RATE_LIMIT_PER_TENANT: String(RATE_LIMIT),
      }),
    );
    @Module({ imports: [AuthModule.forRoot(settings)], controllers: [ThingsController] })
    class FixtureModule {}
    // Nest types its options as a class but documents a plain object.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    app = await NestFactory.create(FixtureModule, { logger: false });
    const port = await freePort();
    await app.listen(port, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}/v1/tenants`;
  });

  afterAll(async () => {
    await app.close();
    await identity.stop();
  });

  const get = (path: string, token?: string) =>
    fetch(`${baseUrl}/${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  /** A token signed with the provider's own key, with `overrides` applied to good claims. */
  async function forged(
    overrides: JWTPayload = {},
    options: { key?: CryptoKey | Uint8Array; alg?: string; kid?: string } = {},
  ): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const claims: JWTPayload = {
      iss: identity.issuer,
      aud: identity.audience,
      sub: 'forger',
      iat: now,
      exp: now + 300,
      tenant_id: tenantId,
      roles: [Role.Coordinator],
      ...overrides,
    };
    return new SignJWT(claims)
      .setProtectedHeader({
        alg: options.alg ?? identity.algorithm,
        kid: options.kid ?? identity.keyId,
      })
      .sign(options.key ?? identity.signingKey);
  }

  it('should accept a client-credentials token from the real provider and a well-formed forged control', async () => {
    const issued = await identity.token({ tenantId, roles: [Role.Integration] });

    expect((await get(`${tenantId}/things`, issued)).status).toBe(200);
    expect((await get(`${tenantId}/things`, await forged())).status).toBe(200);
  });

  it.each<[string, () => Promise<string>]>([
    ['expired', () => forged({ exp: Math.floor(Date.now() / 1000) - 120 })],
    ['not yet valid', () => forged({ nbf: Math.floor(Date.now() / 1000) + 600 })],
    ['for another audience', () => forged({ aud: 'https://other-api.example' })],
    ['from another issuer', () => forged({ iss: 'https://evil.example' })],
    ['without a tenant', () => forged({ tenant_id: undefined })],
    [
      'unsigned (alg: none)',
      async () => {
        const token = await forged();
        const [, payload] = token.split('.');
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString(
          'base64url',
        );
        return `${header}.${payload}.`;
      },
    ],
    [
      'HS256-signed with the public key',
      async () => {
        const { d: _private, ...publicJwk } = await exportJWK(identity.signingKey);
        const pem = await exportSPKI((await importJWK(publicJwk, identity.algorithm)) as CryptoKey);
        return forged({}, { alg: 'HS256', key: new TextEncoder().encode(pem) });
      },
    ],
    [
      'signed by an unknown key (unknown kid)',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return forged({}, { key: privateKey, kid: randomUUID() });
      },
    ],
    [
      'signed by an unknown key under the known kid',
      async () => {
        const { privateKey } = await generateKeyPair('ES256');
        return forged({}, { key: privateKey });
      },
    ],
  ])('should answer 401 invalid_token to a token %s', async (_case, token) => {
    const response = await get(`${tenantId}/things`, await token());

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('should refuse each near-miss of a provider-issued token and accept its undamaged control', async () => {
    const issued = await identity.token({ tenantId, roles: [Role.Coordinator] });
    const { control, defective } = await nearMissTokens(identity, issued);

    const statuses: Record<string, number> = {};
    for (const defect of TOKEN_DEFECTS) {
      statuses[defect] = (await get(`${tenantId}/things`, defective[defect])).status;
    }

    expect((await get(`${tenantId}/things`, control)).status).toBe(200);
    expect(statuses).toEqual(Object.fromEntries(TOKEN_DEFECTS.map((defect) => [defect, 401])));
  });

  it('should answer 401 without a bearer token', async () => {
    const response = await get(`${tenantId}/things`);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it("should answer 404 to tenant A's token on tenant B's path, whether or not B exists", async () => {
    const token = await identity.token({ tenantId, roles: [Role.Coordinator] });

    const responses = await Promise.all(
      ['tenant-that-exists-elsewhere', `missing-${randomUUID()}`].map((other) =>
        get(`${other}/things`, token),
      ),
    );

    for (const response of responses) {
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        message: 'Not found',
        error: 'Not Found',
        statusCode: 404,
      });
    }
  });

  it('should answer 403 when the roles or scopes do not fit the route', async () => {
    const frontDesk = await identity.token({ tenantId, roles: [Role.FrontDesk] });
    const officerWithoutScope = await identity.token({ tenantId, roles: [Role.ComplianceOfficer] });
    const officer = await identity.token({
      tenantId,
      roles: [Role.ComplianceOfficer],
      scopes: ['audit:read'],
    });

    expect((await get(`${tenantId}/things`, frontDesk)).status).toBe(403);
    expect((await get(`${tenantId}/things/audited`, officerWithoutScope)).status).toBe(403);
    expect((await get(`${tenantId}/things/audited`, officer)).status).toBe(200);
  });

  it('should serve a public route without a token', async () => {
    expect((await get(`${tenantId}/things/open`)).status).toBe(200);
  });

  it("should limit each tenant's requests per window without affecting other tenants", async () => {
    const limited = `limited-${randomUUID().slice(0, 8)}`;
    const token = await identity.token({ tenantId: limited, roles: [Role.Coordinator] });
    const statuses: number[] = [];
    for (let request = 0; request <= RATE_LIMIT; request += 1) {
      statuses.push((await get(`${limited}/things`, token)).status);
    }
    const other = await identity.token({ tenantId: `other-${limited}`, roles: [Role.Coordinator] });

    expect(statuses).toEqual([...Array<number>(RATE_LIMIT).fill(200), 429]);
    expect((await get(`other-${limited}/things`, other)).status).toBe(200);
  });
});
