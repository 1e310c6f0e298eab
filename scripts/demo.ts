/**
 * The first flow, end to end, on this machine: starts the four first-flow services against
 * the real Kafka broker and PostgreSQL with a Twilio stand-in, posts the signed sample FHIR
 * booking, and prints the SMS the stand-in received and the appointment's audit trail.
 *
 *   npm run demo                      # run once and stop everything
 *   npm run demo -- --keep-running    # leave the stack up (Ctrl-C stops it)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { Role } from '@caredispatch/auth';
import { eventually, newWebhookSecret, signedWebhookHeaders, Stack } from '@caredispatch/testing';

const { values } = parseArgs({ options: { 'keep-running': { type: 'boolean', default: false } } });
const tenantId = 'harbor-family';
const secret = newWebhookSecret();
const sample = readFileSync(
  join(__dirname, '../services/ehr-gateway/fixtures/sample-booking.json'),
  'utf8',
);

interface TrailEntry {
  eventType: string;
  producer: string;
  occurredAt: string;
  correlationId: string;
  traceId: string | null;
}

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const stack = new Stack({ tenants: { [tenantId]: secret }, logLevel: 'warn' });
  print('Starting ehr-gateway, scheduling, messaging and audit-log (real Kafka + PostgreSQL)…');
  await stack.start();
  for (const [name, service] of stack.services) print(`  ${name.padEnd(12)} ${service.baseUrl}`);

  const gateway = `${stack.service('ehr-gateway').baseUrl}/v1/tenants/${tenantId}/webhooks/fhir`;
  print(`\nPOST ${gateway}  (Standard Webhooks signature, FHIR R4 Appointment)`);
  const response = await fetch(gateway, {
    method: 'POST',
    headers: signedWebhookHeaders(secret, sample),
    body: sample,
  });
  print(`← ${response.status} ${await response.text()}`);

  const received = await stack.twilio.waitForMessages(1, 10_000);
  const sms = received.at(0);
  if (sms === undefined) throw new Error('no SMS reached the Twilio stand-in');
  print('\nSMS received by the Twilio stand-in:');
  print(`  to:   ${sms.to}`);
  print(`  from: ${sms.from ?? sms.messagingServiceSid ?? ''}`);
  print(`  body: ${sms.body}`);

  const appointmentId = (JSON.parse(sample) as { id: string }).id;
  const url = new URL('/v1/audit-events', stack.service('audit-log').baseUrl);
  url.searchParams.set('appointmentId', appointmentId);
  // A compliance officer's token from the stack's OpenID Provider (client-credentials grant).
  const headers = await stack.identity.authorization({
    tenantId,
    roles: [Role.ComplianceOfficer],
  });
  const trail = await eventually(
    async () => {
      const answer = await fetch(url, { headers });
      const body = (await answer.json()) as { events: TrailEntry[] };
      return body.events.some((event) => event.eventType === 'MessageSentV1')
        ? body.events
        : undefined;
    },
    15_000,
    'audit trail with the sent message',
    250,
  );
  print(`\nAudit trail of appointment ${appointmentId} (causal order):`);
  for (const event of trail) {
    print(
      `  ${event.occurredAt}  ${event.producer.padEnd(12)} ${event.eventType.padEnd(24)} trace ${event.traceId ?? '-'}`,
    );
  }
  print(`  correlation id: ${[...new Set(trail.map((event) => event.correlationId))].join(', ')}`);

  if (values['keep-running']) {
    print('\nStack is running; Ctrl-C stops it.');
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  }
  await stack.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
