/**
 * `bench:dispatch`: dispatch-optimizer in-process against the real broker, PostgreSQL and the
 * Maps/Slack stand-ins. Prints figures; no thresholds. The benchmark items:
 *  - seed week: weekly plan until all 12 itineraries are in Slack (Maps cold), Maps elements
 *    billed cold vs warm, and a Tuesday 10:00 call-out until every notice is sent;
 *  - a home-visit day, 500 appointments / 40 providers, Maps cache warm: plan + itineraries;
 *  - a 100-provider day: call-out until every notice is sent.
 * The bookings arrive before the run (as during a real week) and the bench waits until the
 * service has absorbed them (recorded and geocoded) before timing the run. The delivery part
 * alone: `npm run bench:dispatch-delivery`.
 */
import { randomUUID } from 'node:crypto';

import { DateTime } from 'luxon';

import { DispatchHarness, waitFor } from '../../services/dispatch-optimizer/test/dispatch-harness';
import { seedWeek, type SeedWeek } from '../../services/dispatch-optimizer/test/seed-week';

import type { PlanVersion } from '../../services/dispatch-optimizer/src/plan/plan.model';

const COORDINATORS = 'C0BENCHCOORD';
const SEED_TENANT = `bench-${randomUUID().slice(0, 8)}`;
const DAY_TENANT = `bench-${randomUUID().slice(0, 8)}`;
const BIG_TENANT = `bench-${randomUUID().slice(0, 8)}`;

async function main(): Promise<void> {
  const week = seedWeek();
  const homeDay = seedWeek({
    weekStart: '2030-03-18',
    days: 1,
    clinics: 1,
    clinicians: 0,
    nurses: 40,
    clinicVisits: 0,
    homeVisits: 500,
    unservableCredential: 0,
    unresolvableAddresses: 0,
    seed: 11,
  });
  const bigDay = seedWeek({
    weekStart: '2030-03-25',
    days: 1,
    clinics: 10,
    clinicians: 40,
    nurses: 60,
    clinicVisits: 400,
    homeVisits: 360,
    unservableCredential: 0,
    unresolvableAddresses: 0,
    seed: 13,
  });
  const tenants = [SEED_TENANT, DAY_TENANT, BIG_TENANT];
  const harness = new DispatchHarness(
    { ...week.addresses, ...homeDay.addresses, ...bigDay.addresses },
    new Date('2030-03-10T22:00:00Z'),
    tenants,
    {
      ESCALATION_SLACK_CHANNELS: JSON.stringify(
        Object.fromEntries(tenants.map((tenant) => [tenant, COORDINATORS])),
      ),
    },
  );
  await harness.start();
  try {
    await book(harness, SEED_TENANT, week, true);
    const seed = await weeklyRun(harness, SEED_TENANT, week);
    const warm = await harness.ok<PlanVersion>('POST', `/v1/tenants/${SEED_TENANT}/plans`, {
      days: week.days,
    });
    const seedCallOut = await callOut(harness, SEED_TENANT, week, warm, warm.version);

    await book(harness, DAY_TENANT, homeDay, false);
    harness.clock.set(new Date('2030-03-17T22:00:00Z'));
    const coldDay = await harness.ok<PlanVersion>('POST', `/v1/tenants/${DAY_TENANT}/plans`, {
      days: homeDay.days,
    });
    await waitFor('cold-day itineraries sent', 300_000, () => allSent(harness, coldDay, 1));
    const day = await weeklyRun(harness, DAY_TENANT, homeDay);

    await book(harness, BIG_TENANT, bigDay, false);
    harness.clock.set(new Date('2030-03-24T22:00:00Z'));
    // The call-out re-plan reads the stored matrix, never Maps: plan this day on estimates.
    harness.maps.failAll('over-query-limit', 'distancematrix');
    const big = await harness.ok<PlanVersion>('POST', `/v1/tenants/${BIG_TENANT}/plans`, {
      days: bigDay.days,
    });
    harness.maps.recover();
    await waitFor('100-provider itineraries sent', 300_000, () => allSent(harness, big, 1));
    const bigCallOut = await callOut(harness, BIG_TENANT, bigDay, big, big.version);

    console.log(
      JSON.stringify(
        {
          note: 'wall-clock figures on a shared, loaded 2-CPU machine; PLAN_TIME_LIMIT_MS 1000, REPLAN_TIME_LIMIT_MS 300 (harness)',
          seedWeek: {
            appointments: week.appointments.length,
            providersWithItineraries: new Set(seed.plan.providerDays.map((d) => d.providerId)).size,
            weeklyPlanMs: seed.planMs,
            weeklyPlanAndItinerariesSentMs: seed.sentMs,
            solverMs: Math.round(seed.plan.solver.statistics.elapsedMs),
            mapsElementsBilledCold: seed.plan.travel.billedElements,
            mapsElementsBilledWarm: warm.travel.billedElements,
            mapsCacheHitsWarm: warm.travel.cacheHits,
            callOutToAllNoticesSentMs: seedCallOut.ms,
            callOutChangedProviders: seedCallOut.providers,
          },
          homeVisitDay500x40Warm: {
            appointments: homeDay.appointments.length,
            providers: homeDay.providers.length,
            served: day.plan.objective.servedCount,
            unserved: day.plan.unserved.length,
            mapsElementsBilledCold: coldDay.travel.billedElements,
            mapsElementsBilledWarm: day.plan.travel.billedElements,
            planMs: day.planMs,
            planAndItinerariesSentMs: day.sentMs,
          },
          callOut100ProviderDay: {
            appointments: bigDay.appointments.length,
            providers: bigDay.providers.length,
            served: big.objective.servedCount,
            callOutToAllNoticesSentMs: bigCallOut.ms,
            callOutChangedProviders: bigCallOut.providers,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await harness.stop();
  }
}

/** Configures the tenant and books its appointments; returns once all are recorded and geocoded. */
async function book(
  harness: DispatchHarness,
  tenantId: string,
  week: SeedWeek,
  positionConsumer: boolean,
): Promise<void> {
  await harness.configure(tenantId, week);
  const counts = async (): Promise<{ total: number; pending: number }> => {
    const [row] = await harness.query<{ total: string; pending: string }>(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE planned_revision < revision) AS pending
         FROM dispatch_appointment WHERE tenant_id = $1`,
      [tenantId],
    );
    return { total: Number(row.total), pending: Number(row.pending) };
  };
  let first = 0;
  if (positionConsumer) {
    // A fresh consumer group starts at the log end: re-send the first booking until it lands.
    await waitFor('consumer positioned', 60_000, async () => {
      await harness.book(tenantId, week.appointments[0]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return (await counts()).total > 0;
    });
    first = 1;
  }
  for (const appointment of week.appointments.slice(first))
    await harness.book(tenantId, appointment);
  await waitFor('bookings recorded and geocoded', 600_000, async () => {
    const { total, pending } = await counts();
    return total === week.appointments.length && pending === 0;
  });
}

async function weeklyRun(
  harness: DispatchHarness,
  tenantId: string,
  week: SeedWeek,
): Promise<{ plan: PlanVersion; planMs: number; sentMs: number }> {
  const started = performance.now();
  const plan = await harness.ok<PlanVersion>('POST', `/v1/tenants/${tenantId}/plans`, {
    days: week.days,
  });
  const planMs = Math.round(performance.now() - started);
  await waitFor('itineraries sent', 300_000, () => allSent(harness, plan, plan.version));
  return { plan, planMs, sentMs: Math.round(performance.now() - started) };
}

/** Every itinerary and coordinator notice of this tenant's plan version has been attempted to the end (sent or failed). */
async function allSent(
  harness: DispatchHarness,
  plan: PlanVersion,
  version: number,
): Promise<boolean> {
  const [row] = await harness.query<{ total: string; pending: string; notices: string }>(
    `SELECT count(*) AS total, count(*) FILTER (WHERE state IN ('queued', 'sending')) AS pending,
            (SELECT count(*) FROM coordinator_notice
              WHERE tenant_id = $1 AND state IN ('queued', 'sending')) AS notices
       FROM itinerary_delivery WHERE tenant_id = $1 AND plan_id = $2 AND plan_version = $3`,
    [plan.tenantId, plan.planId, version],
  );
  return Number(row.total) > 0 && Number(row.pending) === 0 && Number(row.notices) === 0;
}

/** The busiest RN calls out at 10:00 local on the plan's second day (or its only day). */
async function callOut(
  harness: DispatchHarness,
  tenantId: string,
  week: SeedWeek,
  plan: PlanVersion,
  currentVersion: number,
): Promise<{ ms: number; providers: number }> {
  const day = week.days[Math.min(1, week.days.length - 1)];
  const tenOClock = DateTime.fromISO(`${day}T10:00`, { zone: week.timeZone }).toJSDate();
  const victim = plan.providerDays
    .filter((d) => d.day === day && d.providerId.startsWith('rn-'))
    .sort((a, b) => b.stops.length - a.stops.length)[0];
  await waitFor('earlier notices sent', 300_000, () => allSent(harness, plan, currentVersion));
  harness.clock.set(tenOClock);
  const started = performance.now();
  const outcome = await harness.ok<{ planVersion: number }>(
    'POST',
    `/v1/tenants/${tenantId}/providers/${victim.providerId}/call-outs`,
    { from: tenOClock.toISOString(), reason: 'sick' },
  );
  await waitFor('call-out notices sent', 300_000, () =>
    allSent(harness, plan, outcome.planVersion),
  );
  const ms = Math.round(performance.now() - started);
  const [row] = await harness.query<{ count: string }>(
    `SELECT count(*) FROM itinerary_delivery WHERE tenant_id = $1 AND plan_id = $2 AND plan_version = $3`,
    [tenantId, plan.planId, outcome.planVersion],
  );
  return { ms, providers: Number(row.count) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
