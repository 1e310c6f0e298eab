import { type DynamicModule } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';

import { routeInventory, type RouteEntry } from '@caredispatch/auth';

import { auditSigningEnvironment } from '../audit/audit-signing-environment';
import { phiEnvironment } from '../phi/phi-environment';

/**
 * The reviewed list of routes that answer without an access token, per service. Adding a
 * line here is a security review: say in the commit what protects the route instead.
 */
export const REVIEWED_PUBLIC_ROUTES: Readonly<Record<string, readonly string[]>> = {
  'audit-log': ['GET /health/live', 'GET /health/ready', 'GET /metrics'],
  // Slack v0 request signature (HMAC over timestamp and raw body, stale timestamps refused).
  // The itinerary page (/itineraries/:token): the 128-bit link token is the credential
  // (HMAC-stored, one delivery's provider and days, expires after its last day), GET only,
  // rate limits per IP and link, one neutral page for unknown or expired tokens.
  'dispatch-optimizer': [
    'GET /health/live',
    'GET /health/ready',
    'GET /itineraries/:token',
    'GET /metrics',
    'POST /v1/slack/commands/callout',
  ],
  // Standard Webhooks signature with the tenant's secret.
  'ehr-gateway': [
    'GET /health/live',
    'GET /health/ready',
    'GET /metrics',
    'POST /v1/tenants/:tenantId/webhooks/fhir',
  ],
  // X-Twilio-Signature over the public URL and form body. The patient page (/a/:token…): the
  // 128-bit link token is the credential (HMAC-stored, one revision, expires at the visit),
  // GETs change nothing, POSTs need a form MAC bound to the link, rate limits per IP and link.
  // One-click email unsubscribe (RFC 8058): the URL's HMAC-signed, expiring token is the
  // credential; GET only shows a button, the POST withdraws that one patient's email consent.
  messaging: [
    'GET /a/:token',
    'GET /a/:token/cancel',
    'GET /a/:token/reschedule',
    'GET /health/live',
    'GET /health/ready',
    'GET /metrics',
    'GET /o/:token',
    'GET /v1/email/unsubscribe/:token',
    'POST /a/:token/call-me',
    'POST /a/:token/cancel',
    'POST /a/:token/confirm',
    'POST /a/:token/earlier',
    'POST /a/:token/reschedule',
    'POST /o/:token/accept',
    'POST /v1/email/unsubscribe/:token',
    'POST /v1/twilio/inbound',
    'POST /v1/twilio/status',
  ],
  scheduling: ['GET /health/live', 'GET /health/ready', 'GET /metrics'],
  waitlist: ['GET /health/live', 'GET /health/ready', 'GET /metrics'],
};

/**
 * Every route of a service's app with its policy, read from the module graph Nest's router
 * is built from. Preview mode resolves modules without instantiating providers, so no
 * database or broker is needed.
 */
export async function routePoliciesOf(appModule: DynamicModule): Promise<RouteEntry[]> {
  // Nest types its options as a class but documents a plain object.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const app = await NestFactory.create(appModule, { preview: true, logger: false });
  try {
    return routeInventory(app.get(ModulesContainer));
  } finally {
    await app.close();
  }
}

/** The variables every service needs to build its app module without reaching anything. */
export const PREVIEW_ENVIRONMENT: Readonly<Record<string, string>> = {
  DATABASE_URL: 'postgres://preview:preview@127.0.0.1:9/preview',
  KAFKA_BROKERS: '127.0.0.1:9',
  OIDC_ISSUER_URL: 'http://127.0.0.1:9/offline-issuer',
  OIDC_AUDIENCE: 'https://api.caredispatch.test',
  ...phiEnvironment(),
  ...auditSigningEnvironment(),
};
