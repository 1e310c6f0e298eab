/**
 * `bench:dispatch`: the seed's week through dispatch-optimizer in-process against the real broker,
 * PostgreSQL and the Maps/Slack stand-ins — weekly plan until every itinerary is in Slack, a
 * Tuesday 10:00 call-out until the re-planned itineraries are in Slack, and Maps elements billed
 * with a cold and a warm cache. Prints figures; no thresholds. The delivery part alone:
 * `npm run bench:dispatch-delivery`.
 */
import { randomUUID } from 'node:crypto';

import { DispatchHarness, waitFor } from '../../services/dispatch-optimizer/test/dispatch-harness';
import { seedWeek } from '../../services/dispatch-optimizer/test/seed-week';

import type { PlanVersion } from '../../services/dispatch-optimizer/src/plan/plan.model';

async function main(): Promise<void> {
  const week = seedWeek();
  const tenantId = `bench-${randomUUID().slice(0, 8)}`;
  const harness = new DispatchHarness(week.addresses, new Date('2030-03-10T22:00:00Z'), [tenantId]);
  await harness.start();
  try {
    await harness.configure(tenantId, week);
    const consumed = async (): Promise<number> => {
      const [row] = await harness.query<{ count: string }>(
        `SELECT count(*) FROM dispatch_appointment WHERE tenant_id = $1`,
        [tenantId],
      );
      return Number(row.count);
    };
    // A fresh consumer group starts at the log end: re-send the first booking until it lands.
    await waitFor('consumer positioned', 60_000, async () => {
      await harness.book(tenantId, week.appointments[0]);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      return (await consumed()) > 0;
    });
    for (const appointment of week.appointments.slice(1)) await harness.book(tenantId, appointment);
    await waitFor(
      'bookings consumed',
      120_000,
      async () => (await consumed()) === week.appointments.length,
    );

    const weeklyStart = performance.now();
    const weekly = await harness.ok<PlanVersion>('POST', `/v1/tenants/${tenantId}/plans`, {
      days: week.days,
    });
    const planMs = performance.now() - weeklyStart;
    const rostered = new Set(weekly.providerDays.map((day) => day.providerId));
    const channels = (): number => new Set(harness.slack.messages().map((m) => m.channel)).size;
    await waitFor('itineraries in Slack', 60_000, () =>
      Promise.resolve(channels() === rostered.size),
    );
    const weeklyMs = performance.now() - weeklyStart;

    const tuesday = week.days[1];
    const tenOClock = new Date(`${tuesday}T15:00:00Z`);
    const victim = weekly.providerDays
      .filter((day) => day.day === tuesday)
      .sort((a, b) => b.stops.length - a.stops.length)[0];
    harness.clock.set(tenOClock);
    const sentBefore = harness.slack.calls().length;
    const callOutStart = performance.now();
    const outcome = await harness.ok<{ planVersion: number }>(
      'POST',
      `/v1/tenants/${tenantId}/providers/${victim.providerId}/call-outs`,
      { from: tenOClock.toISOString(), reason: 'sick' },
    );
    await waitFor('call-out itineraries sent', 60_000, async () => {
      const [row] = await harness.query<{ pending: string; total: string }>(
        `SELECT count(*) FILTER (WHERE state <> 'sent') AS pending, count(*) AS total
           FROM itinerary_delivery WHERE tenant_id = $1 AND plan_version = $2`,
        [tenantId, outcome.planVersion],
      );
      return Number(row.total) > 0 && Number(row.pending) === 0;
    });
    const callOutMs = performance.now() - callOutStart;

    const warm = await harness.ok<PlanVersion>('POST', `/v1/tenants/${tenantId}/plans`, {
      days: week.days,
    });
    console.log(
      JSON.stringify(
        {
          appointments: week.appointments.length,
          providersWithItineraries: rostered.size,
          weeklyPlanMs: Math.round(planMs),
          weeklyPlanAndItinerariesSentMs: Math.round(weeklyMs),
          callOutToItinerariesSentMs: Math.round(callOutMs),
          slackCallsForCallOut: harness.slack.calls().length - sentBefore,
          mapsElementsBilledCold: weekly.travel.billedElements,
          mapsElementsBilledWarm: warm.travel.billedElements,
          mapsCacheHitsWarm: warm.travel.cacheHits,
        },
        null,
        2,
      ),
    );
  } finally {
    await harness.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
