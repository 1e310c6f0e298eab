// panva's certified OpenID Provider as a small child process for tests and the demo.
// oidc-provider 9 is ES-module only (and warns on Node 20), so it runs here, not in jest's runtime.
// Machine clients register dynamically (RFC 7591) with their tenant and roles as client metadata;
// the client-credentials grant then issues JWT access tokens carrying those claims.
import Provider, { errors } from 'oidc-provider';

const settings = JSON.parse(process.env.OIDC_STAND_IN_SETTINGS ?? '{}');
const { port, issuer, audience, jwks, initialAccessToken, accessTokenTtlSeconds, scopes } =
  settings;

const CLAIMS = ['tenant_id', 'roles', 'provider_id', 'location_ids'];

const provider = new Provider(issuer, {
  jwks,
  clients: [],
  scopes: ['openid', ...scopes],
  clientDefaults: {
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: jwks.keys[0].alg,
  },
  extraClientMetadata: {
    properties: CLAIMS,
    validator(_ctx, key, value) {
      if (value === undefined) return;
      const ok =
        key === 'roles' || key === 'location_ids'
          ? Array.isArray(value) && value.every((item) => typeof item === 'string')
          : typeof value === 'string';
      if (!ok) throw new errors.InvalidClientMetadata(`${key} has the wrong type`);
    },
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    registration: { enabled: true, initialAccessToken },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo(_ctx, resource) {
        if (resource !== audience) throw new errors.InvalidTarget();
        return {
          scope: scopes.join(' '),
          audience,
          accessTokenTTL: accessTokenTtlSeconds,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: jwks.keys[0].alg } },
        };
      },
    },
  },
  async extraTokenClaims(ctx) {
    const client = ctx.oidc.client;
    if (!client) return undefined;
    return Object.fromEntries(
      CLAIMS.flatMap((claim) => (client[claim] === undefined ? [] : [[claim, client[claim]]])),
    );
  },
});

provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`oidc-provider listening on ${port}\n`);
});
