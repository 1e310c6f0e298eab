/**
 * `bench:dispatch`: dispatch-optimizer in-process against the real broker, PostgreSQL (as its
 * runtime role, under row-level security) and the Maps/Slack stand-ins. Prints figures; no
 * thresholds. Three groups, each its own tenant:
 * 1. the seed's week (3 clinics, 12 providers, 220 bookings): weekly plan until every itinerary
 *    is sent, a Tuesday 10:00 call-out until every notice is sent (itineraries of the changed
 *    providers and the coordinators' summary), Maps elements billed with a cold and a warm cache;
 * 2. a home-visit day of 500 appointments and 40 providers: plan + 40 itineraries sent with the
 *    Maps cache warm (after an untimed cold run);
 * 3. a 100-provider home-visit day: a 10:00 call-out until every notice is sent.
 * Each timed run is broken down by phase: the planner's spans (load, build, matrix, solve, check,
 * store; see plan-phase.ts), then until the itineraries are queued (the plan event consumed) and
 * until they are all sent. The load average is printed beside the figures (shared machine).
 * `npm run bench:dispatch -- seed` (or `day500`, `callout100`) runs only the named groups.
 * The delivery part alone: `npm run bench:dispatch-delivery`.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';

import { DateTime } from 'luxon';

import { DispatchHarness, waitFor } from '../../services/dispatch-optimizer/test/dispatch-harness';
import { seedWeek, type SeedWeek } from '../../services/dispatch-optimizer/test/seed-week';

import { PlanPhaseRecorder } from './plan-phase-recorder';

import type { PlanVersion } from '../../services/dispatch-optimizer/src/plan/plan.model';

const COORDINATORS_CHANNEL = 'C0COORDINATORS';
const phases = PlanPhaseRecorder.install();

type Figures = Record<string, unknown>;

/** The plan's quality, to compare before and after a speed change. */
function objectiveOf(version: PlanVersion): Figures {
  const { servedCount, unservedCount, servedPriority, travelSeconds, overtimeSeconds, cost } =
    version.objective;
  return { servedCount, unservedCount, servedPriority, travelSeconds, overtimeSeconds, cost };
}

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** A one-day group of nurses doing home visits only. */
function homeVisitDay(nurses: number, visits: number, seed: number): SeedWeek {
  return seedWeek({
    clinics: 0,
    clinicians: 0,
    nurses,
    clinicVisits: 0,
    homeVisits: visits,
    unservableCredential: 0,
    unresolvableAddresses: 0,
    days: 1,
    seed,
  });
}

const tenants = {
  seed: `bench-seed-${randomUUID().slice(0, 8)}`,
  day500: `bench-500-${randomUUID().slice(0, 8)}`,
  day100: `bench-100p-${randomUUID().slice(0, 8)}`,
};

async function main(): Promise<void> {
  const week = seedWeek();
  const day500 = homeVisitDay(40, 500, 11);
  const day100 = homeVisitDay(100, 300, 13);
  // Sunday 18:00 in New York, after the weekly run time and before the week.
  const harness = new DispatchHarness(
    week.addresses,
    new Date('2030-03-10T22:00:00Z'),
    Object.values(tenants),
    {
      ESCALATION_SLACK_CHANNELS: JSON.stringify(
        Object.fromEntries(Object.values(tenants).map((id) => [id, COORDINATORS_CHANNEL])),
      ),
    },
  );
  await harness.start();
  try {
    const only = process.argv.slice(2);
    const wanted = (group: string) => only.length === 0 || only.includes(group);
    const figures = {
      loadAverageAtStart: loadAverage(),
      limits: {
        planTimeLimitMs: harness.config.PLAN_TIME_LIMIT_MS,
        replanTimeLimitMs: harness.config.REPLAN_TIME_LIMIT_MS,
      },
      seedWeek: wanted('seed') ? await seedWeekFigures(harness, week) : 'skipped',
      homeVisitDay500: wanted('day500') ? await homeVisitDayFigures(harness, day500) : 'skipped',
      callOut100Providers: wanted('callout100')
        ? await callOutFigures(harness, tenants.day100, day100)
        : 'skipped',
      loadAverageAtEnd: loadAverage(),
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await harness.stop();
  }
}

async function seedWeekFigures(harness: DispatchHarness, week: SeedWeek): Promise<Figures> {
  const tenantId = tenants.seed;
  await bookAll(harness, tenantId, week, true);

  phases.take();
  const weekly = await timedPlan(harness, tenantId, week);

  const callOut = await timedCallOut(harness, tenantId, week, weekly.version);
  const warm = await timedPlan(harness, tenantId, week);
  return {
    appointments: week.appointments.length,
    itinerariesSent: weekly.itinerariesSent,
    weeklyPlanMs: weekly.planMs,
    weeklyPlanAndItinerariesSentMs: weekly.totalMs,
    weeklyPhases: weekly.phases,
    weeklyObjective: objectiveOf(weekly.version),
    ...callOut,
    mapsElementsBilledCold: weekly.version.travel.billedElements,
    mapsElementsBilledWarm: warm.version.travel.billedElements,
    mapsCacheHitsWarm: warm.version.travel.cacheHits,
    warmWeeklyPlanAndItinerariesSentMs: warm.totalMs,
  };
}

async function homeVisitDayFigures(harness: DispatchHarness, day: SeedWeek): Promise<Figures> {
  const tenantId = tenants.day500;
  harness.clock.set(DateTime.fromISO(`${day.days[0]}T18:00`, { zone: day.timeZone }).toJSDate());
  harness.clock.advance(-24 * 3600_000);
  await bookAll(harness, tenantId, day, false);
  phases.take();
  const cold = await timedPlan(harness, tenantId, day);
  const warm = await timedPlan(harness, tenantId, day);
  return {
    appointments: day.appointments.length,
    providers: day.providers.length,
    served: warm.version.providerDays.reduce((sum, d) => sum + d.stops.length, 0),
    unserved: warm.version.unserved.length,
    itinerariesSent: warm.itinerariesSent,
    coldPlanAndItinerariesSentMs: cold.totalMs,
    coldPhases: cold.phases,
    mapsElementsBilledCold: cold.version.travel.billedElements,
    warmPlanMs: warm.planMs,
    warmPlanAndItinerariesSentMs: warm.totalMs,
    warmPhases: warm.phases,
    warmObjective: objectiveOf(warm.version),
    mapsElementsBilledWarm: warm.version.travel.billedElements,
  };
}

interface TimedPlan {
  readonly version: PlanVersion;
  readonly planMs: number;
  readonly totalMs: number;
  readonly itinerariesSent: number;
  readonly phases: Figures;
}

/** A plan run until its itineraries are all sent, with the per-phase breakdown. */
async function timedPlan(
  harness: DispatchHarness,
  tenantId: string,
  group: SeedWeek,
): Promise<TimedPlan> {
  const start = performance.now();
  const version = await plan(harness, tenantId, group);
  const planMs = performance.now() - start;
  const planner = phases.take();
  const delivery = await deliveriesSent(harness, version);
  const totalMs = performance.now() - start;
  return {
    version,
    planMs: Math.round(planMs),
    totalMs: Math.round(totalMs),
    itinerariesSent: delivery.sent,
    phases: {
      ...planner,
      planReplyMs: Math.round(planMs),
      itinerariesQueuedMs: Math.round(delivery.queuedAt - start - planMs),
      itinerariesSentMs: Math.round(totalMs - (delivery.queuedAt - start)),
    },
  };
}

async function callOutFigures(
  harness: DispatchHarness,
  tenantId: string,
  day: SeedWeek,
): Promise<Figures> {
  // The day's plan is made (and sent) the evening before; only the call-out is timed.
  harness.clock.set(DateTime.fromISO(`${day.days[0]}T18:00`, { zone: day.timeZone }).toJSDate());
  harness.clock.advance(-24 * 3600_000);
  await bookAll(harness, tenantId, day, false);
  const planned = await plan(harness, tenantId, day);
  await deliveriesSent(harness, planned);
  return {
    appointments: day.appointments.length,
    providers: day.providers.length,
    ...(await timedCallOut(harness, tenantId, day, planned)),
  };
}

/**
 * The busiest RN of the group's second day (or only day) calls out at 10:00; timed until every
 * itinerary of the new version and the coordinators' summary are sent.
 */
async function timedCallOut(
  harness: DispatchHarness,
  tenantId: string,
  group: SeedWeek,
  current: PlanVersion,
): Promise<Figures> {
  const day = group.days[Math.min(1, group.days.length - 1)];
  const tenOClock = DateTime.fromISO(`${day}T10:00`, { zone: group.timeZone }).toJSDate();
  const victim = current.providerDays
    .filter((d) => d.day === day && d.providerId.startsWith('rn-'))
    .sort((a, b) => b.stops.length - a.stops.length)[0];
  harness.clock.set(tenOClock);
  phases.take();
  const start = performance.now();
  const outcome = await harness.ok<{
    planId: string;
    planVersion: number;
    callOutId: string;
    rescheduleNeededAppointmentIds: string[];
  }>('POST', `/v1/tenants/${tenantId}/providers/${victim.providerId}/call-outs`, {
    from: tenOClock.toISOString(),
    reason: 'sick',
  });
  const replyMs = performance.now() - start;
  const revised = await harness.ok<PlanVersion>(
    'GET',
    `/v1/tenants/${tenantId}/plans/${outcome.planId}/versions/${outcome.planVersion}`,
  );
  const itineraries = await deliveriesSent(harness, revised);
  const planner = phases.take();
  await waitFor('the coordinators summary sent', 60_000, async () => {
    const [row] = await harness.query<{ state: string }>(
      `SELECT state FROM coordinator_notice WHERE tenant_id = $1 AND dedupe_key = $2`,
      [tenantId, `call-out:${outcome.callOutId}`],
    );
    return row.state === 'sent';
  });
  return {
    callOutReplyMs: Math.round(replyMs),
    callOutToAllNoticesSentMs: Math.round(performance.now() - start),
    callOutPhases: {
      ...planner,
      itinerariesQueuedMs: Math.round(itineraries.queuedAt - start - replyMs),
      itinerariesSentMs: Math.round(itineraries.sentAt - itineraries.queuedAt),
    },
    callOutItinerariesSent: itineraries.sent,
    callOutPatientsToReschedule: outcome.rescheduleNeededAppointmentIds.length,
  };
}

/** Configures the group and books all its appointments over Kafka; waits until consumed. */
async function bookAll(
  harness: DispatchHarness,
  tenantId: string,
  group: SeedWeek,
  firstGroup: boolean,
): Promise<void> {
  for (const [address, coordinates] of Object.entries(group.addresses))
    harness.maps.addAddress(address, coordinates);
  await harness.configure(tenantId, group);
  const consumed = async (): Promise<number> => {
    const [row] = await harness.query<{ count: string }>(
      `SELECT count(*) FROM dispatch_appointment WHERE tenant_id = $1 AND geocode_status <> 'pending'`,
      [tenantId],
    );
    return Number(row.count);
  };
  let rest = group.appointments;
  if (firstGroup) {
    // A fresh consumer group starts at the log end: re-send the first booking until it lands.
    await waitFor('consumer positioned', 60_000, async () => {
      await harness.book(tenantId, group.appointments[0]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return (await consumed()) > 0;
    });
    rest = group.appointments.slice(1);
  }
  for (const appointment of rest) await harness.book(tenantId, appointment);
  await waitFor(
    `${group.appointments.length} bookings consumed and geocoded`,
    300_000,
    async () => (await consumed()) === group.appointments.length,
  );
}

function plan(harness: DispatchHarness, tenantId: string, group: SeedWeek): Promise<PlanVersion> {
  return harness.ok<PlanVersion>('POST', `/v1/tenants/${tenantId}/plans`, { days: group.days });
}

/**
 * Waits until every itinerary delivery of `version` is sent; returns how many there were and when
 * (performance.now()) they were first seen queued and all seen sent.
 */
async function deliveriesSent(
  harness: DispatchHarness,
  version: PlanVersion,
): Promise<{ sent: number; queuedAt: number; sentAt: number }> {
  let sent = 0;
  let queuedAt = 0;
  await waitFor(`itineraries of ${version.planId} v${version.version} sent`, 120_000, async () => {
    const [row] = await harness.query<{ pending: string; total: string }>(
      `SELECT count(*) FILTER (WHERE state <> 'sent') AS pending, count(*) AS total
         FROM itinerary_delivery WHERE tenant_id = $1 AND plan_id = $2 AND plan_version = $3`,
      [version.tenantId, version.planId, version.version],
    );
    sent = Number(row.total);
    if (sent > 0 && queuedAt === 0) queuedAt = performance.now();
    return sent > 0 && Number(row.pending) === 0;
  });
  return { sent, queuedAt, sentAt: performance.now() };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
