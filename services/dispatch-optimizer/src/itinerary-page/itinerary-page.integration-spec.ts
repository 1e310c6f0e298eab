import { randomBytes, randomUUID } from 'node:crypto';

import { TwilioStandIn } from '@caredispatch/testing';

import { DispatchHarness, waitFor } from '../../test/dispatch-harness';
import { seedWeek, type SeedAppointment } from '../../test/seed-week';
import { type PlanVersion } from '../plan/plan.model';

/**
 * The itinerary page behind SMS itineraries, in-process against real PostgreSQL and Kafka with
 * the Twilio and Maps stand-ins: the link a provider is texted opens their day; unknown,
 * superseded and expired links behave as README "Itinerary page" says; the page shows no more
 * than the minimum necessary and each opening is audited.
 */
describe('itinerary page (GET /itineraries/{token})', () => {
  const week = seedWeek({
    clinics: 1,
    clinicians: 1,
    nurses: 2,
    clinicVisits: 2,
    homeVisits: 8,
    unservableCredential: 0,
    unresolvableAddresses: 0,
    days: 1,
    seed: 5,
  });
  const [monday] = week.days;
  const tenantId = `it-${randomUUID().slice(0, 8)}`;
  const twilio = new TwilioStandIn();
  const phoneOf = new Map(
    week.providers.map((provider, i) => [
      provider.providerId,
      `+1555010${String(i).padStart(4, '0')}`,
    ]),
  );
  // Every provider is texted: SMS is the channel under test.
  const smsWeek = {
    ...week,
    providers: week.providers.map((provider) => ({
      ...provider,
      body: {
        ...provider.body,
        delivery: {
          ...(provider.body['delivery'] as Record<string, unknown>),
          channel: { kind: 'sms', phoneE164: phoneOf.get(provider.providerId) },
        },
      },
    })),
  };
  let harness: DispatchHarness;
  let weekly: PlanVersion;

  beforeAll(async () => {
    await twilio.start();
    // Sunday 17:00 in New York: after the weekly run time, outside quiet hours.
    harness = new DispatchHarness(week.addresses, new Date('2030-03-10T22:00:00Z'), [tenantId], {
      TWILIO_ACCOUNT_SID: twilio.accountSid,
      TWILIO_AUTH_TOKEN: twilio.authToken,
      TWILIO_FROM_NUMBER: '+15005550006',
      TWILIO_API_BASE_URL: twilio.baseUrl,
      ITINERARY_LINK_BASE_URL: 'https://it.example',
      ITINERARY_LINK_SECRET: `it-itinerary-link-key-${randomUUID()}`,
      ITINERARY_PAGE_RATE_LIMIT_PER_IP_PER_MINUTE: '1000',
      ITINERARY_PAGE_RATE_LIMIT_PER_LINK_PER_MINUTE: '5',
    });
    await harness.start();
    await harness.configure(tenantId, smsWeek);
    await harness.waitUntilConsuming(tenantId, week.appointments[0]);
    for (const appointment of week.appointments) await harness.book(tenantId, appointment);
    await waitFor(
      'bookings consumed',
      60_000,
      async () => (await harness.appointmentCount(tenantId)) === week.appointments.length + 1,
    );
    weekly = await harness.ok<PlanVersion>('POST', `/v1/tenants/${tenantId}/plans`, {
      days: week.days,
    });
    await waitFor('one itinerary text per provider', 30_000, () =>
      Promise.resolve(twilio.messages().length >= week.providers.length),
    );
  }, 180_000);

  afterAll(async () => {
    await harness.stop();
    await twilio.stop();
  });

  /** The links texted to a provider, oldest first. */
  function linksTo(providerId: string): string[] {
    return twilio
      .messages()
      .filter((message) => message.to === phoneOf.get(providerId))
      .map((message) => /https:\/\/it\.example(\/itineraries\/\S+)$/.exec(message.body)?.[1] ?? '');
  }

  async function open(path: string): Promise<{ status: number; html: string; headers: Headers }> {
    const response = await fetch(`${harness.baseUrl}${path}`);
    return { status: response.status, html: await response.text(), headers: response.headers };
  }

  async function openings(): Promise<{ aggregate_id: string }[]> {
    return harness.query<{ aggregate_id: string }>(
      `SELECT message_key AS aggregate_id FROM outbox_message
        WHERE tenant_id = $1 AND event_type = 'PhiAccessedV1'`,
      [tenantId],
    );
  }

  /** The busiest provider of Monday: their page has home visits to look at. */
  function busiest(plan: PlanVersion): string {
    return [...plan.providerDays].sort((a, b) => b.stops.length - a.stops.length)[0].providerId;
  }

  it("should open the texted link as the provider's day: stops in order, minimum necessary, never cached or indexed, audited", async () => {
    const providerId = busiest(weekly);
    const [path] = linksTo(providerId);
    expect(path).toMatch(/^\/itineraries\/[A-Za-z0-9_-]{22}$/);

    const sut = await open(path);

    expect(sut.status).toBe(200);
    expect(sut.headers.get('cache-control')).toBe('no-store');
    expect(sut.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(sut.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(sut.html).toContain('<meta name="robots" content="noindex, nofollow">');
    const day = weekly.providerDays.find((d) => d.providerId === providerId && d.day === monday);
    const stops = day?.stops ?? [];
    expect(stops.length).toBeGreaterThan(0);
    // Every stop, in the order of the day, by display name (first name + last initial).
    let from = 0;
    for (const stop of [...stops].sort((a, b) => a.start.localeCompare(b.start))) {
      const at = sut.html.indexOf(stop.patientDisplayName, from);
      expect(at).toBeGreaterThan(-1);
      from = at + 1;
    }
    for (const stop of stops.filter((s) => s.visitMode === 'home'))
      expect(sut.html).toContain(`>${stop.address.line}</a>`);
    expect(sut.html).toContain('https://www.google.com/maps/search/?api=1&amp;query=');
    // No full names, no other provider's patients.
    for (const appointment of week.appointments) {
      expect(sut.html).not.toContain(`${appointment.givenName} ${appointment.familyName}`);
      expect(sut.html).not.toContain(appointment.appointmentId);
    }
    const others = weekly.providerDays
      .filter((d) => d.providerId !== providerId)
      .flatMap((d) => d.stops.filter((s) => s.visitMode === 'home').map((s) => s.address.line));
    const own = stops.map((s) => s.address.line);
    for (const address of others.filter((a) => !own.includes(a)))
      expect(sut.html).not.toContain(`>${address}</a>`);
    await waitFor('the opening audited', 10_000, async () => (await openings()).length === 1);
    const [opened] = await openings();
    expect(opened.aggregate_id).toMatch(/^itinerary-link:[0-9a-f-]{36}$/);
  });

  it('should answer unknown and malformed tokens with one neutral page, audit nothing and rate-limit guessing per link', async () => {
    const before = (await openings()).length;
    const unknown = `/itineraries/${randomBytes(16).toString('base64url')}`;

    const answers = [
      await open(unknown),
      await open('/itineraries/not-a-token'),
      await open(`/itineraries/${randomUUID()}`),
    ];

    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.html).toContain('This itinerary link is no longer valid');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    expect(answers[1].html).toBe(answers[0].html);
    for (let i = 0; i < 4; i += 1) expect((await open(unknown)).status).toBe(404);
    expect((await open(unknown)).status).toBe(429);
    expect((await openings()).length).toBe(before);
  });

  it('should show the current version with a notice through a link a newer itinerary superseded, and the new link without it', async () => {
    const address = 'Late Booking Rd 9, Newark, NJ';
    harness.maps.addAddress(address, { lat: 40.74, lon: -74.17 });
    const booking: SeedAppointment = {
      appointmentId: randomUUID(),
      start: new Date(`${monday}T16:00:00Z`),
      durationMinutes: 45,
      typeCode: 'home-visit',
      locationId: randomUUID(),
      ehrLocationId: 'ehr-location-late-booking',
      addressLines: [address],
      givenName: 'Nora',
      familyName: 'Quinn',
    };
    const textsBefore = twilio.messages().length;

    await harness.book(tenantId, booking);

    await waitFor('the delta texted', 30_000, () =>
      Promise.resolve(twilio.messages().length > textsBefore),
    );
    const delta = twilio.messages().slice(textsBefore);
    expect(delta).toHaveLength(1);
    const providerId = week.providers.find((p) => phoneOf.get(p.providerId) === delta[0].to)
      ?.providerId as string;
    const [oldPath, newPath] = linksTo(providerId);
    expect(newPath).not.toBe(oldPath);
    const old = await open(oldPath);
    const current = await open(newPath);
    expect(old.status).toBe(200);
    expect(old.html).toContain('This itinerary has changed since it was sent to you.');
    expect(old.html).toContain('Nora Q.');
    expect(old.html).toContain(address);
    expect(old.html).not.toContain('Nora Quinn');
    expect(current.status).toBe(200);
    expect(current.html).not.toContain('has changed');
    expect(current.html).toContain('Nora Q.');
  });

  it("should refuse every link after the midnight that ends its last day (the practice's zone)", async () => {
    const providerId = busiest(weekly);
    const paths = linksTo(providerId);
    expect((await open(paths[0])).status).toBe(200);

    // Tuesday 00:00 in New York.
    harness.clock.set(new Date(`2030-03-12T04:00:00Z`));

    for (const path of paths) {
      const sut = await open(path);
      expect(sut.status).toBe(404);
      expect(sut.html).toContain('This itinerary link is no longer valid');
    }
  });
});
