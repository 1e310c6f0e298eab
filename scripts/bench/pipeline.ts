/**
 * Webhook-to-SMS pipeline benchmark. Starts the first-flow stack (real Kafka, real
 * PostgreSQL, four service processes, Twilio stand-in), posts signed FHIR bookings at a
 * fixed open-loop rate for a duration, and prints throughput, webhook-to-SMS latency
 * percentiles and each service's peak resident memory.
 *
 *   npm run bench:pipeline -- --rate 50 --duration 60
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import {
  FhirAppointmentBuilder,
  newWebhookSecret,
  signedWebhookHeaders,
  Stack,
  type ServiceName,
} from '@caredispatch/testing';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '50' },
    duration: { type: 'string', default: '60' },
    drain: { type: 'string', default: '60' },
  },
});
const rate = Number(values.rate);
const durationSeconds = Number(values.duration);
const drainSeconds = Number(values.drain);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/** Peak resident set size (VmHWM) of a process, in MiB. */
function peakRssMiB(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmHWM:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** A distinct, valid US mobile-format number per booking so each SMS maps to its booking. */
function phoneFor(index: number): { display: string; e164: string } {
  const exchange = 200 + Math.floor(index / 10_000);
  const line = String(index % 10_000).padStart(4, '0');
  return { display: `(212) ${exchange}-${line}`, e164: `+1212${exchange}${line}` };
}

async function main(): Promise<void> {
  const tenant = `bench-${Date.now().toString(36)}`;
  const secret = newWebhookSecret();
  const stack = new Stack({
    tenants: { [tenant]: secret },
    logLevel: 'warn',
  });
  process.stdout.write(`starting stack (run ${stack.runId})…\n`);
  await stack.start();
  const gateway = stack.service('ehr-gateway').baseUrl;
  const sentAt = new Map<string, number>();
  const webhookLatencies: number[] = [];
  let rejected = 0;

  const total = Math.round(rate * durationSeconds);
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  process.stdout.write(`posting ${total} bookings at ${rate}/s for ${durationSeconds} s…\n`);
  for (let index = 0; index < total; index += 1) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const phone = phoneFor(index);
    const body = FhirAppointmentBuilder.booking({ patientPhone: phone.display }).toJson();
    const postedAt = performance.now();
    sentAt.set(phone.e164, Date.now());
    inFlight.push(
      fetch(`${gateway}/v1/tenants/${tenant}/webhooks/fhir`, {
        method: 'POST',
        headers: signedWebhookHeaders(secret, body),
        body,
      }).then(async (response) => {
        await response.arrayBuffer();
        webhookLatencies.push(performance.now() - postedAt);
        if (response.status !== 202) rejected += 1;
      }),
    );
  }
  await Promise.all(inFlight);
  const postingSeconds = (performance.now() - started) / 1000;

  const deadline = Date.now() + drainSeconds * 1000;
  while (Date.now() < deadline && stack.twilio.messages().length < total - rejected) {
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const messages = stack.twilio.messages();
  const latencies = messages
    .map((message) => message.dateCreated.getTime() - (sentAt.get(message.to) ?? Number.NaN))
    .filter((latency) => Number.isFinite(latency))
    .sort((a, b) => a - b);
  const lastSms = Math.max(...messages.map((message) => message.dateCreated.getTime()));
  const firstPost = Math.min(...sentAt.values());
  const names: ServiceName[] = ['ehr-gateway', 'scheduling', 'messaging', 'audit-log'];
  const memory = names.map(
    (name) => `${name} ${peakRssMiB(stack.service(name).pid).toFixed(0)} MiB`,
  );
  const sortedWebhook = [...webhookLatencies].sort((a, b) => a - b);

  process.stdout.write(
    [
      '',
      `rate ${rate}/s, duration ${durationSeconds} s (posting took ${postingSeconds.toFixed(1)} s)`,
      `bookings posted: ${total}, rejected: ${rejected}, SMS received: ${messages.length}, duplicates: ${messages.length - new Set(messages.map((m) => m.to)).size}`,
      `throughput: ${(messages.length / ((lastSms - firstPost) / 1000)).toFixed(1)} SMS/s end to end`,
      `webhook response ms: p50 ${percentile(sortedWebhook, 50).toFixed(0)}, p95 ${percentile(sortedWebhook, 95).toFixed(0)}, p99 ${percentile(sortedWebhook, 99).toFixed(0)}`,
      `webhook-to-SMS ms: p50 ${percentile(latencies, 50).toFixed(0)}, p95 ${percentile(latencies, 95).toFixed(0)}, p99 ${percentile(latencies, 99).toFixed(0)}, max ${(latencies[latencies.length - 1] ?? Number.NaN).toFixed(0)}`,
      `peak RSS: ${memory.join(', ')}`,
      '',
    ].join('\n'),
  );
  await stack.stop();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
