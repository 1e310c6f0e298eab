/**
 * Reminder benchmark (issue 9). `npm run bench:reminders` — prints figures; no assertions.
 *
 * 1. Planning: plan, then re-plan after a reschedule, PLAN_APPOINTMENTS (default 10,000) appointments
 *    with the playbook cadence and three other reminder texts for the patient; ms per appointment.
 * 2. Due scan: a throwaway messaging database (all migrations) holding PENDING (default 1,000,000)
 *    queued reminders spread over the next 7 days, of which DUE_RATE per second (default 100) fall due
 *    during DUE_SECONDS (default 300). The sender's own claim (MessageRepository.claimDue: lease,
 *    SKIP LOCKED, newest-revision join) runs as the sender loop does (batch 20, poll 250 ms, again at
 *    once after a full batch); an accepted send is recorded with one UPDATE (no provider round trip).
 *    Lateness = claim time − due time, over the rows that fell due.
 * Needs the machine's PostgreSQL (TEST_POSTGRES_ADMIN_URL); SKIP_DB=1 runs part 1 only.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import {
  BlindIndex,
  EnvKeyEncryption,
  InMemoryDataKeyStore,
  PhiCipher,
} from '@caredispatch/phi-crypto';
import { ThrowawayDatabase } from '@caredispatch/testing';

import { messagingEntities, messagingMigrations } from '../src/entities';
import { MessageRepository } from '../src/message/message.repository';
import { PLAYBOOK_SETTINGS } from '../src/reminders/planning/cadence-settings';
import { DEFAULT_QUIET_HOURS } from '../src/reminders/planning/quiet-hours';
import { planReminders, type PlanningInput } from '../src/reminders/planning/reminder-plan';

const PLAN_APPOINTMENTS = Number(process.env['PLAN_APPOINTMENTS'] ?? 10_000);
const PENDING = Number(process.env['PENDING'] ?? 1_000_000);
const DUE_SECONDS = Number(process.env['DUE_SECONDS'] ?? 300);
const DUE_RATE = Number(process.env['DUE_RATE'] ?? 100);
const BATCH = 20;
const POLL_MS = 250;
const DAY_MS = 24 * 3600_000;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function benchPlanning(): void {
  const zones = ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'];
  const now = new Date('2030-03-01T15:00:00Z');
  const inputs: PlanningInput[] = [];
  for (let i = 0; i < PLAN_APPOINTMENTS; i++) {
    const start = new Date(now.getTime() + (1 + (i % 20)) * DAY_MS + (i % 9) * 3600_000);
    inputs.push({
      appointment: { start, timeZone: zones[i % zones.length] ?? 'America/New_York' },
      cadence: PLAYBOOK_SETTINGS.cadences['default'] ?? { steps: [] },
      patient: {
        language: i % 3 === 0 ? 'es' : 'en',
        timeZone: null,
        sms: { address: '+15555550100', consented: true },
        email: { address: 'p@example.test', consented: true },
      },
      otherSmsReminders: [1, 3, 9].map((days) => new Date(start.getTime() - days * DAY_MS)),
      limits: PLAYBOOK_SETTINGS.limits,
      quietHours: DEFAULT_QUIET_HOURS,
      now,
    });
  }
  const times: number[] = [];
  for (const input of inputs) {
    const began = performance.now();
    planReminders(input);
    // A reschedule: the same patient, the visit two days later, planned again from scratch.
    planReminders({
      ...input,
      appointment: {
        ...input.appointment,
        start: new Date(input.appointment.start.getTime() + 2 * DAY_MS),
      },
    });
    times.push(performance.now() - began);
  }
  times.sort((a, b) => a - b);
  console.log(
    `planning + re-planning per appointment (${PLAN_APPOINTMENTS}): p50 ${percentile(times, 50).toFixed(3)} ms, ` +
      `p99 ${percentile(times, 99).toFixed(3)} ms, max ${(times.at(-1) ?? NaN).toFixed(3)} ms`,
  );
}

async function benchDueScan(): Promise<void> {
  const database = await ThrowawayDatabase.create('messaging_bench');
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    entities: messagingEntities,
    migrations: messagingMigrations,
    poolSize: 4,
  });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations();
    const dueCount = DUE_SECONDS * DUE_RATE;
    // Due rows start 10 s after the insert finishes; the rest lie beyond the run, over 7 days.
    const loadBegan = performance.now();
    await dataSource.query(
      `INSERT INTO message (id, tenant_id, appointment_id, revision, purpose, step_key, channel, state, to_e164, body,
                            next_attempt_at, correlation_id, last_event_id, created_at, updated_at, appointment_start)
       SELECT gen_random_uuid(), 'bench', gen_random_uuid(), 1, 'reminder', 'sms-24h', 'sms', 'queued',
              '+15555550100', 'reminder text', now() + interval '1 day' + (g * interval '7 days' / $1),
              'bench', gen_random_uuid(), now(), now(), now() + interval '9 days'
         FROM generate_series(1, $1) AS g`,
      [PENDING - dueCount],
    );
    await dataSource.query('ANALYZE message');
    console.log(
      `loaded ${PENDING - dueCount} future reminders in ${((performance.now() - loadBegan) / 1000).toFixed(1)} s`,
    );
    const dueFrom = Date.now() + 10_000;
    // Every queued message has its appointment's revision row (the sender claims through it).
    await dataSource.query(
      `WITH due AS (
         SELECT g, gen_random_uuid() AS appointment_id FROM generate_series(1, $1) AS g),
       revisions AS (
         INSERT INTO appointment_revision (tenant_id, appointment_id, revision, updated_at)
         SELECT 'bench', appointment_id, 1, now() FROM due)
       INSERT INTO message (id, tenant_id, appointment_id, revision, purpose, step_key, channel, state, to_e164, body,
                            next_attempt_at, correlation_id, last_event_id, created_at, updated_at, appointment_start)
       SELECT gen_random_uuid(), 'bench', appointment_id, 1, 'reminder', 'sms-24h', 'sms', 'queued',
              '+15555550100', 'reminder text', to_timestamp(($2 + (g - 1) * 1000.0 / $3) / 1000.0),
              'due', gen_random_uuid(), now(), now(), now() + interval '1 day'
         FROM due`,
      [dueCount, dueFrom, DUE_RATE],
    );
    console.log(`${PENDING} pending; ${dueCount} fall due over ${DUE_SECONDS} s at ${DUE_RATE}/s`);

    // Bench rows are plaintext (read as they are); the cipher is only needed for its interface.
    const cipher = new PhiCipher({
      kms: new EnvKeyEncryption(
        { reveal: () => ({ bench: randomBytes(32).toString('base64') }) },
        'bench',
      ),
      store: new InMemoryDataKeyStore(),
    });
    const repository = new MessageRepository(
      dataSource,
      cipher,
      new BlindIndex({ reveal: () => randomBytes(32).toString('base64') }),
    );
    const end = dueFrom + DUE_SECONDS * 1000 + 10_000;
    while (Date.now() < end) {
      const claimed = await repository.claimDue(new Date(), 30_000, BATCH);
      await Promise.all(
        claimed.map((claim) =>
          dataSource.query(
            `UPDATE message SET state = 'sent', provider_message_id = $2, sent_at = now(), claim_token = NULL,
                    lease_expires_at = NULL WHERE id = $1 AND claim_token = $3`,
            [claim.id, `SM${randomUUID().replace(/-/g, '')}`, claim.claimToken],
          ),
        ),
      );
      if (claimed.length < BATCH) await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const [figures] = await dataSource.query<
      {
        sent: string;
        p50: number | null;
        p95: number | null;
        p99: number | null;
        max: number | null;
      }[]
    >(
      `SELECT count(*) AS sent,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY l) AS p50,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY l) AS p95,
              percentile_cont(0.99) WITHIN GROUP (ORDER BY l) AS p99, max(l) AS max
         FROM (SELECT extract(epoch FROM first_attempt_at - next_attempt_at) * 1000 AS l
                 FROM message WHERE correlation_id = 'due' AND state = 'sent') AS lateness`,
    );
    const early = await dataSource.query<{ n: string }[]>(
      `SELECT count(*) AS n FROM message WHERE correlation_id = 'bench' AND state <> 'queued'`,
    );
    console.log(
      `due scan: ${figures.sent}/${dueCount} sent; lateness p50 ${Number(figures.p50).toFixed(0)} ms, ` +
        `p95 ${Number(figures.p95).toFixed(0)} ms, p99 ${Number(figures.p99).toFixed(0)} ms, max ${Number(figures.max).toFixed(0)} ms; ` +
        `claimed before due: ${early[0]?.n ?? '?'}`,
    );
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await database.drop();
  }
}

async function main(): Promise<void> {
  benchPlanning();
  if (process.env['SKIP_DB'] !== '1') await benchDueScan();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
