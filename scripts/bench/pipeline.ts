/**
 * Webhook-to-SMS pipeline benchmark. Starts the first-flow stack (real Kafka, real
 * PostgreSQL, four service processes, Twilio stand-in), posts signed FHIR bookings at a
 * fixed open-loop rate for a duration, and prints throughput, webhook-to-SMS latency
 * percentiles, each service's peak resident memory and CPU time per booking (user + system
 * time from /proc, counted until audit-log has consumed everything: far less sensitive to
 * what else the machine runs than latency).
 *
 *   npm run bench:pipeline -- --rate 50 --duration 60
 *   npm run bench:pipeline -- --rate 50 --duration 60 --profile tmp/profiles
 *     (writes one V8 .cpuprofile per service into that folder when the stack stops)
 *   npm run bench:pipeline -- --rate 10 --service-env DATABASE_CONNECT_TIMEOUT_MS=120000
 *     (environment for every service: e.g. on a machine so loaded that requests wait longer
 *     for a pooled connection than the default allows and fail instead of queueing)
 */
import { randomInt } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
    profile: { type: 'string' },
    'service-env': { type: 'string', multiple: true, default: [] },
  },
});
const rate = Number(values.rate);
const durationSeconds = Number(values.duration);
const drainSeconds = Number(values.drain);
const profileDir = values.profile === undefined ? undefined : resolve(values.profile);
const serviceEnv = Object.fromEntries(
  values['service-env'].map((pair) => {
    const at = pair.indexOf('=');
    if (at < 1) throw new Error(`--service-env takes KEY=VALUE, not '${pair}'`);
    return [pair.slice(0, at), pair.slice(at + 1)];
  }),
);

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

/** CPU time (user + system) a process has used so far, in seconds. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Transactions committed in a service's database so far (statistics lag by up to a second);
 * NaN when the shared server refuses one more connection.
 */
async function commits(stack: Stack, name: ServiceName): Promise<number> {
  const database = stack.database(name);
  try {
    const rows = await database.query<{ commits: string }>(
      'SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = $1',
      [database.name],
    );
    return rows.length === 1 ? Number(rows[0].commits) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * A distinct, valid US mobile-format number per booking so each SMS maps to its booking. The
 * exchange block is drawn per run: a stack on a shared broker also texts other runs' bookings,
 * and those must not pass for this run's.
 */
const exchangeBlock = 200 + randomInt(0, 79) * 10;
function phoneFor(index: number): { display: string; e164: string } {
  const exchange = exchangeBlock + Math.floor(index / 10_000);
  const line = String(index % 10_000).padStart(4, '0');
  return { display: `(212) ${exchange}-${line}`, e164: `+1212${exchange}${line}` };
}

async function main(): Promise<void> {
  const tenant = `bench-${Date.now().toString(36)}`;
  const secret = newWebhookSecret();
  const names: ServiceName[] = ['ehr-gateway', 'scheduling', 'messaging', 'audit-log'];
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true });
  const stack = new Stack({
    tenants: { [tenant]: secret },
    logLevel: 'warn',
    // A loaded machine can take minutes to start four TypeScript services.
    readyTimeoutMs: 240_000,
    overrides: Object.fromEntries(
      names.map((name) => [
        name,
        {
          ...serviceEnv,
          ...(profileDir === undefined
            ? {}
            : {
                // Node refuses --cpu-prof in NODE_OPTIONS; the preload profiles until exit.
                NODE_OPTIONS: `--require ${join(__dirname, 'cpu-profile.cjs')}`,
                CPU_PROFILE_FILE: join(profileDir, `${name}.cpuprofile`),
              }),
        },
      ]),
    ),
  });
  process.stdout.write(`starting stack (run ${stack.runId})…\n`);
  // Stops the services (and drops their databases) whatever happens in between.
  try {
    await stack.start();
    const gateway = stack.service('ehr-gateway').baseUrl;
    if (profileDir !== undefined) {
      for (const name of names) {
        const pid = stack.service(name).pid;
        if (pid !== undefined) process.kill(pid, 'SIGUSR2');
      }
    }
    const cpuAtStart = names.map((name) => cpuSeconds(stack.service(name).pid));
    const commitsAtStart = await Promise.all(names.map((name) => commits(stack, name)));
    const sentAt = new Map<string, number>();
    const webhookLatencies: number[] = [];
    let rejected = 0;
    const rejectedStatuses = new Map<string, number>();
    const reject = (status: string): void => {
      rejected += 1;
      rejectedStatuses.set(status, (rejectedStatuses.get(status) ?? 0) + 1);
    };

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
        }).then(
          async (response) => {
            await response.arrayBuffer();
            webhookLatencies.push(performance.now() - postedAt);
            if (response.status !== 202) reject(String(response.status));
          },
          // A connection reset under overload is a lost booking for the sender, not a crash here.
          () => reject('network error'),
        ),
      );
    }
    await Promise.all(inFlight);
    const postingSeconds = (performance.now() - started) / 1000;

    const deadline = Date.now() + drainSeconds * 1000;
    // Only this run's texts: on a shared broker, other runs' appointments reach this stack too.
    const ours = (): ReturnType<typeof stack.twilio.messages> =>
      stack.twilio.messages().filter((message) => sentAt.has(message.to));
    while (Date.now() < deadline && ours().length < total - rejected) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const messages = ours();
    const foreign = stack.twilio.messages().length - messages.length;
    // audit-log trails the SMS: its work for these bookings belongs in CPU per booking.
    const auditCaughtUp = await stack
      .waitForConsumerToCatchUp('audit-log', Math.max(5_000, deadline - Date.now()))
      .then(() => true)
      .catch(() => false);
    const cpuAtEnd = names.map((name) => cpuSeconds(stack.service(name).pid));
    const latencies = messages
      .map((message) => message.dateCreated.getTime() - (sentAt.get(message.to) ?? Number.NaN))
      .filter((latency) => Number.isFinite(latency))
      .sort((a, b) => a - b);
    // p99 per 10 s of posting: tells a warm-up or a stall apart from steady queueing.
    const windows = new Map<number, number[]>();
    for (const message of messages) {
      const postedAt = sentAt.get(message.to);
      if (postedAt === undefined) continue;
      // Date.now() and the monotonic clock differ by a few ms: the first posts belong to window 0.
      const window = Math.max(
        0,
        Math.floor((postedAt - started - performance.timeOrigin) / 10_000),
      );
      const values = windows.get(window) ?? [];
      values.push(message.dateCreated.getTime() - postedAt);
      windows.set(window, values);
    }
    const p99ByWindow = [...windows]
      .sort(([a], [b]) => a - b)
      .map(([window, values]) => {
        const p99 = percentile(
          values.sort((a, b) => a - b),
          99,
        );
        return `${window * 10}s ${p99.toFixed(0)}`;
      });
    const lastSms = Math.max(...messages.map((message) => message.dateCreated.getTime()));
    const firstPost = Math.min(...sentAt.values());
    const memory = names.map(
      (name) => `${name} ${peakRssMiB(stack.service(name).pid).toFixed(0)} MiB`,
    );
    // CPU per booking does not depend on what else the machine runs; latency does.
    const accepted = total - rejected;
    const cpuMsPerBooking = names.map(
      (_, index) => (((cpuAtEnd[index] ?? 0) - (cpuAtStart[index] ?? 0)) * 1000) / accepted,
    );
    const cpu = names.map(
      (name, index) => `${name} ${(cpuMsPerBooking[index] ?? 0).toFixed(2)} ms`,
    );
    const cpuTotal = cpuMsPerBooking.reduce((sum, value) => sum + value, 0);
    const commitsAtEnd = await Promise.all(names.map((name) => commits(stack, name)));
    const commitsPerBooking = names.map(
      (name, index) =>
        `${name} ${(((commitsAtEnd[index] ?? 0) - (commitsAtStart[index] ?? 0)) / total).toFixed(2)}`,
    );
    const sortedWebhook = [...webhookLatencies].sort((a, b) => a - b);

    process.stdout.write(
      [
        '',
        `rate ${rate}/s, duration ${durationSeconds} s (posting took ${postingSeconds.toFixed(1)} s)`,
        `bookings posted: ${total}, rejected: ${rejected}${rejected > 0 ? ` (${[...rejectedStatuses].map(([status, count]) => `${count}× ${status}`).join(', ')})` : ''}, SMS received: ${messages.length}, duplicates: ${messages.length - new Set(messages.map((m) => m.to)).size}${foreign > 0 ? `, other runs' SMS: ${foreign} (shared broker: CPU figures include their events)` : ''}`,
        `accepted: ${(accepted / postingSeconds).toFixed(1)} bookings/s`,
        `throughput: ${(messages.length / ((lastSms - firstPost) / 1000)).toFixed(1)} SMS/s end to end`,
        `webhook response ms: p50 ${percentile(sortedWebhook, 50).toFixed(0)}, p95 ${percentile(sortedWebhook, 95).toFixed(0)}, p99 ${percentile(sortedWebhook, 99).toFixed(0)}`,
        `webhook-to-SMS ms: p50 ${percentile(latencies, 50).toFixed(0)}, p95 ${percentile(latencies, 95).toFixed(0)}, p99 ${percentile(latencies, 99).toFixed(0)}, max ${(latencies[latencies.length - 1] ?? Number.NaN).toFixed(0)}`,
        `webhook-to-SMS p99 by 10 s of posting (ms): ${p99ByWindow.join(', ')}`,
        `peak RSS: ${memory.join(', ')}`,
        `CPU per booking: ${cpu.join(', ')}, total ${cpuTotal.toFixed(2)} ms${auditCaughtUp ? '' : ' (audit-log had not caught up)'}`,
        `database commits per booking: ${commitsPerBooking.join(', ')}`,
        '',
      ].join('\n'),
    );
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
