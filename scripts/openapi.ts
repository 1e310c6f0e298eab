/**
 * Writes one OpenAPI 3 document for every CareDispatch HTTP API (docs/openapi/caredispatch.json):
 * each service's routes from its Nest module graph (preview mode: no database, no broker), with
 * the security every route declares via libs/auth. `--check` fails when the committed file differs.
 *
 *   node -r @swc-node/register scripts/openapi.ts [--check]
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { type DynamicModule } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { routeInventory } from '@caredispatch/auth';
import { PREVIEW_ENVIRONMENT } from '@caredispatch/testing';

import { AppModule as AuditLogApp } from '../services/audit-log/src/app.module';
import { loadAuditLogConfig } from '../services/audit-log/src/config';
import { AppModule as DispatchOptimizerApp } from '../services/dispatch-optimizer/src/app.module';
import { loadDispatchOptimizerConfig } from '../services/dispatch-optimizer/src/config';
import { AppModule as EhrGatewayApp } from '../services/ehr-gateway/src/app.module';
import { loadEhrGatewayConfig } from '../services/ehr-gateway/src/config';
import { AppModule as MessagingApp } from '../services/messaging/src/app.module';
import { loadMessagingConfig } from '../services/messaging/src/config';
import { AppModule as SchedulingApp } from '../services/scheduling/src/app.module';
import { loadSchedulingConfig } from '../services/scheduling/src/config';
import { AppModule as WaitlistApp } from '../services/waitlist/src/app.module';
import { loadWaitlistConfig } from '../services/waitlist/src/config';

const OUTPUT = join(__dirname, '..', 'docs', 'openapi', 'caredispatch.json');

// The preview variables (PHI and audit-signing keys included) let every app module be built offline.
const env = {
  ...PREVIEW_ENVIRONMENT,
  DATABASE_URL: 'postgres://openapi:openapi@127.0.0.1:9/openapi',
  KAFKA_BROKERS: '127.0.0.1:9',
  OIDC_ISSUER_URL: 'https://idp.example.org',
  OIDC_AUDIENCE: 'https://api.caredispatch.example',
  EHR_WEBHOOK_SECRETS: JSON.stringify({ example: `whsec_${Buffer.alloc(32).toString('base64')}` }),
  TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
  TWILIO_AUTH_TOKEN: 'openapi',
  LINK_TOKEN_SECRET: 'openapi-link-key-0123456789abcdef0123456789',
  TWILIO_FROM_NUMBER: '+15005550006',
  PUBLIC_BASE_URL: 'https://messaging.example.org/',
  LINK_BASE_URL: 'https://cd.example',
  // Placeholders of the right shape: building the document reaches no key.
  PHI_KEKS: JSON.stringify({ openapi: Buffer.alloc(32).toString('base64') }),
  PHI_KEK_ID: 'openapi',
  PHI_BLIND_INDEX_KEY: Buffer.alloc(32).toString('base64'),
  AUDIT_TREE_HEAD_SIGNING_KEY: `openapi:${generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64')}`,
};

/** Services with business routes; the others serve only health and metrics. */
const SERVICES: readonly [string, () => DynamicModule][] = [
  ['ehr-gateway', () => EhrGatewayApp.forRoot(loadEhrGatewayConfig(env))],
  ['scheduling', () => SchedulingApp.forRoot(loadSchedulingConfig(env))],
  ['messaging', () => MessagingApp.forRoot(loadMessagingConfig(env))],
  ['audit-log', () => AuditLogApp.forRoot(loadAuditLogConfig(env))],
  ['dispatch-optimizer', () => DispatchOptimizerApp.forRoot(loadDispatchOptimizerConfig(env))],
  ['waitlist', () => WaitlistApp.forRoot(loadWaitlistConfig(env))],
];

async function serviceDocument(name: string, module: DynamicModule): Promise<OpenAPIObject> {
  // Nest types its options as a class but documents a plain object.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  const app = await NestFactory.create(module, { preview: true, logger: false });
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(name).setVersion('1').build(),
  );
  // Each operation gets the security its route policy declares.
  for (const route of routeInventory(app.get(ModulesContainer))) {
    const [method, path] = route.route.split(' ');
    const openApiPath = path.replace(/:(\w+)/g, '{$1}');
    const item = document.paths[openApiPath] as (typeof document.paths)[string] | undefined;
    const operation = item?.[method.toLowerCase() as 'get'];
    if (operation === undefined) continue;
    operation.tags = [name];
    if (route.policy === undefined) throw new Error(`${name}: ${route.route} has no policy`);
    if (route.policy.kind === 'public') {
      operation.security = [];
      operation.description = `Public: ${route.policy.reason}`;
    } else {
      operation.security = [{ oidc: [...route.policy.scopes] }];
      operation.description = `Roles: ${route.policy.roles.join(', ')}`;
    }
  }
  await app.close();
  return document;
}

async function main(): Promise<void> {
  const header = new DocumentBuilder()
    .setTitle('CareDispatch API')
    .setDescription(
      'All CareDispatch HTTP APIs behind the gateway (HTTPRoutes route /v1/... per service).',
    )
    .setVersion('1')
    .addSecurity('oidc', {
      type: 'openIdConnect',
      // The deployment's OIDC_ISSUER_URL + /.well-known/openid-configuration.
      openIdConnectUrl: 'https://idp.example.org/.well-known/openid-configuration',
    })
    .build();
  const merged: OpenAPIObject = { ...header, paths: {} };
  for (const [name, module] of SERVICES) {
    const document = await serviceDocument(name, module());
    for (const [path, item] of Object.entries(document.paths)) {
      // Health and metrics exist on every service; the gateway does not route them.
      if (!path.startsWith('/v1/')) continue;
      if (path in merged.paths) throw new Error(`${path} is served by two services`);
      merged.paths[path] = item;
    }
  }
  const text = `${JSON.stringify(merged, null, 2)}\n`;
  if (process.argv.includes('--check')) {
    if (readFileSync(OUTPUT, 'utf8') !== text) {
      process.stderr.write(`${OUTPUT} is out of date: run npm run openapi\n`);
      process.exit(1);
    }
    return;
  }
  mkdirSync(join(OUTPUT, '..'), { recursive: true });
  writeFileSync(OUTPUT, text);
  process.stdout.write(`wrote ${OUTPUT} (${Object.keys(merged.paths).length} paths)\n`);
}

void main().then(() => process.exit(0));
