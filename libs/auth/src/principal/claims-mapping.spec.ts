import { claimAt, ClaimsError, principalFromClaims } from './claims-mapping';

const defaults = {
  tenant: 'tenant_id',
  roles: 'roles',
  locations: 'location_ids',
  provider: 'provider_id',
};

describe(principalFromClaims.name, () => {
  it('should map a user token with the default claim names', () => {
    const sut = principalFromClaims(
      {
        sub: 'user-1',
        tenant_id: 'tenant-a',
        roles: ['provider', 'offline_access'],
        scope: 'openid appointments:read',
        provider_id: 'prov-9',
        location_ids: ['loc-1'],
        azp: 'spa',
      },
      defaults,
    );

    expect(sut).toEqual({
      kind: 'user',
      subject: 'user-1',
      tenantId: 'tenant-a',
      roles: ['provider'],
      scopes: ['openid', 'appointments:read'],
      providerId: 'prov-9',
      locationIds: ['loc-1'],
      clientId: 'spa',
    });
  });

  it('should recognise a client-credentials token as a machine client', () => {
    const sut = principalFromClaims(
      { client_id: 'gateway', tenant_id: 't', roles: ['integration'] },
      defaults,
    );

    expect(sut).toMatchObject({ kind: 'client', subject: 'gateway', clientId: 'gateway' });
  });

  it('should read Keycloak realm roles by dotted path and Auth0 namespaced claims literally', () => {
    const sut = principalFromClaims(
      {
        sub: 'u',
        'https://caredispatch.example/tenant_id': 'tenant-b',
        realm_access: { roles: ['coordinator'] },
        scp: ['audit.read'],
      },
      {
        ...defaults,
        tenant: 'https://caredispatch.example/tenant_id',
        roles: 'realm_access.roles',
      },
    );

    expect(sut).toMatchObject({
      tenantId: 'tenant-b',
      roles: ['coordinator'],
      scopes: ['audit.read'],
    });
  });

  it('should refuse a token without the tenant claim', () => {
    expect(() => principalFromClaims({ sub: 'u', roles: ['coordinator'] }, defaults)).toThrow(
      ClaimsError,
    );
  });

  it('should not treat inherited properties as claims', () => {
    expect(claimAt({ sub: 'u' }, 'constructor.name')).toBeUndefined();
  });
});
