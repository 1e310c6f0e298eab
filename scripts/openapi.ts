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

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

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
  const schemas: NonNullable<NonNullable<OpenAPIObject['components']>['schemas']> = {};
  const merged: OpenAPIObject = {
    ...header,
    paths: {},
    components: { ...header.components, schemas },
  };
  for (const [name, module] of SERVICES) {
    const document = await serviceDocument(name, module());
    for (const [path, item] of Object.entries(document.paths)) {
      // Health and metrics exist on every service; the gateway does not route them.
      if (!path.startsWith('/v1/')) continue;
      if (path in merged.paths) throw new Error(`${path} is served by two services`);
      merged.paths[path] = item;
    }
    // The response DTOs the paths refer to ($ref: #/components/schemas/…).
    for (const [schemaName, schema] of Object.entries(document.components?.schemas ?? {})) {
      const known = schemaName in schemas ? JSON.stringify(schemas[schemaName]) : undefined;
      if (known !== undefined && known !== JSON.stringify(schema)) {
        throw new Error(`${name}: schema ${schemaName} differs from another service's`);
      }
      schemas[schemaName] = schema;
    }
  }
  const problems = [...undocumentedResponses(merged), ...danglingReferences(merged)];
  const text = `${JSON.stringify(merged, null, 2)}\n`;
  if (process.argv.includes('--check')) {
    if (readFileSync(OUTPUT, 'utf8') !== text) {
      problems.push(`${OUTPUT} is out of date: run npm run openapi`);
    }
  } else {
    mkdirSync(join(OUTPUT, '..'), { recursive: true });
    writeFileSync(OUTPUT, text);
    process.stdout.write(`wrote ${OUTPUT} (${Object.keys(merged.paths).length} paths)\n`);
  }
  if (problems.length > 0) {
    process.stderr.write(`${problems.length} problem(s):\n${problems.join('\n')}\n`);
    process.exit(1);
  }
}

/**
 * Routes whose success answer a client cannot read from the document: no 2xx response at all,
 * or a 2xx response other than 204 No Content without a body schema.
 */
function undocumentedResponses(document: OpenAPIObject): string[] {
  const problems: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (operation === undefined) continue;
      const successes = Object.entries(operation.responses).filter(([status]) =>
        /^2\d\d$/.test(status),
      );
      const route = `${method.toUpperCase()} ${path}`;
      if (successes.length === 0) problems.push(`${route}: no success response documented`);
      for (const [status, response] of successes) {
        if (status === '204') continue;
        const content =
          response !== undefined && 'content' in response ? response.content : undefined;
        const typed = Object.values(content ?? {}).some((media) => media.schema !== undefined);
        if (!typed) problems.push(`${route}: response ${status} has no schema`);
      }
    }
  }
  return problems;
}

/** Every `$ref` must name a schema the document holds (the merge copies them per service). */
function danglingReferences(document: OpenAPIObject): string[] {
  const held = new Set(
    Object.keys(document.components?.schemas ?? {}).map((name) => `#/components/schemas/${name}`),
  );
  const references = JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g);
  return [...new Set([...references].map(([, reference]) => reference))]
    .filter((reference) => !held.has(reference))
    .map((reference) => `${reference} is referred to but not defined`);
}

void main().then(() => process.exit(0));
