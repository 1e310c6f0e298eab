import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import AxeBuilder from '@axe-core/playwright';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

import {
  createEnvelope,
  SlotSnapshotTrigger,
  timestampFromDate,
  Topics,
} from '@caredispatch/contracts';
import { aScheduledAppointment, type AppointmentSpec } from '@caredispatch/testing';

import { MessagingHarness, waitFor } from '../../test/messaging-harness';

/**
 * The patient page in a real browser: Debian's Chromium (`apt-get install chromium`, at
 * /usr/bin/chromium or CHROMIUM_PATH) driven by playwright-core, which downloads nothing. A
 * phone-sized touch viewport taps through confirm, cancel and reschedule; axe-core checks
 * WCAG 2.1 A/AA on every step (no serious or critical violation); screenshots land in
 * test-results/patient-page/.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '../../../../test-results/patient-page');
const PHONE = { width: 390, height: 844 };

describe('patient page in Chromium (phone viewport, axe)', () => {
  const harness = new MessagingHarness({ LINK_RATE_LIMIT_PER_IP_PER_MINUTE: '100000' });
  let browser: Browser;
  let context: BrowserContext;
  let phoneSeq = 0;
  const runPrefix = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  const cspViolations: string[] = [];

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    await harness.start();
    await warmUp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // CI containers run as root without user namespaces; no GPU, and no background
      // requests of the browser's own (updates, safe browsing) on a CI machine.
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 120_000);

  beforeEach(async () => {
    context = await browser.newContext({
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'en-US',
    });
  });

  afterEach(async () => {
    await context.close();
  });

  afterAll(async () => {
    await browser.close();
    await harness.stop();
  });

  function uniquePhone(): string {
    phoneSeq += 1;
    return `+1502${runPrefix}${String(phoneSeq).padStart(4, '0')}`;
  }

  function inDays(days: number): Date {
    const at = new Date(Date.now() + days * 24 * 60 * 60_000);
    at.setUTCMinutes(0, 0, 0);
    return at;
  }

  function booked(spec: AppointmentSpec & { appointmentId: string }) {
    return harness.envelope(
      'AppointmentBookedV1',
      { appointment: aScheduledAppointment(spec) },
      spec.appointmentId,
    );
  }

  async function warmUp(): Promise<void> {
    const phone = uniquePhone();
    await waitFor('consumer positioned', 60_000, async () => {
      await harness.produce(booked({ appointmentId: randomUUID(), phoneE164: phone }));
      try {
        await harness.twilio.waitForMessages(1, 2_000, (message) => message.to === phone);
        return true;
      } catch {
        return false;
      }
    });
  }

  /** Books, and returns the link the confirmation text carries (as the patient receives it). */
  async function bookAndGetLink(
    spec: Partial<AppointmentSpec> = {},
  ): Promise<{ appointmentId: string; url: string }> {
    const appointmentId = randomUUID();
    const phone = uniquePhone();
    await harness.produce(
      booked({
        appointmentId,
        phoneE164: phone,
        start: inDays(3),
        providerName: 'Dr. Ana Ruiz',
        locationName: 'Main Street Clinic',
        addressLines: ['12 Main Street'],
        ...spec,
      }),
    );
    const [sms] = await harness.twilio.waitForMessages(1, 30_000, (m) => m.to === phone);
    const url = /(https?:\/\/\S+\/a\/[A-Za-z0-9_-]{22})/.exec(sms.body)?.[1];
    if (!url) throw new Error('no link in the confirmation text');
    return { appointmentId, url };
  }

  async function open(url: string): Promise<Page> {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(url);
    return page;
  }

  async function seriousViolations(page: Page): Promise<string[]> {
    const results = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    return results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.help}`);
  }

  async function shoot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  async function responsesOf(appointmentId: string): Promise<unknown[]> {
    return harness.query(
      `SELECT kind, slot_id, cancellation_reason FROM patient_response WHERE appointment_id = $1`,
      [appointmentId],
    );
  }

  it('should confirm with one tap, accessibly, in English and Spanish', async () => {
    const { appointmentId, url } = await bookAndGetLink();
    const page = await open(url);

    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await expect(page.getByRole('heading', { name: 'Your visit' }).count()).resolves.toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'confirm-1-page');
    expect(await responsesOf(appointmentId)).toEqual([]);

    await page.getByRole('button', { name: 'Confirm' }).tap();
    await page.getByText('Thank you. Your visit is confirmed.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'confirm-2-done');

    await page.getByRole('link', { name: 'Español' }).tap();
    await page.getByText('Gracias. Su cita está confirmada.').waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'confirm-3-spanish');

    expect(await responsesOf(appointmentId)).toEqual([
      { kind: 'confirmed', slot_id: null, cancellation_reason: null },
    ]);
    expect(cspViolations).toEqual([]);
  });

  it('should cancel through the confirm step with a coded reason', async () => {
    const { appointmentId, url } = await bookAndGetLink();
    const page = await open(url);

    await page.getByRole('link', { name: 'Cancel visit' }).tap();
    await page.getByRole('heading', { name: 'Cancel this visit?' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel('I have no way to get there').check();
    await shoot(page, 'cancel-1-confirm-step');
    await page.getByRole('button', { name: 'Yes, cancel my visit' }).tap();
    await page.getByRole('heading', { name: 'Your visit is cancelled' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'cancel-2-done');

    expect(await responsesOf(appointmentId)).toEqual([
      { kind: 'cancelled', slot_id: null, cancellation_reason: 'transportation' },
    ]);
    expect(cspViolations).toEqual([]);
  });

  it('should reschedule to a free EHR slot the patient picks', async () => {
    const typeCode = `type-${randomUUID().slice(0, 8)}`;
    const { appointmentId, url } = await bookAndGetLink({ appointmentTypeCode: typeCode });
    const scheduleId = `sched-${randomUUID()}`;
    const slots = [4, 5, 6].map((days) => ({
      slotId: `slot-${randomUUID()}`,
      start: timestampFromDate(inDays(days)),
      end: timestampFromDate(new Date(inDays(days).getTime() + 30 * 60_000)),
      appointmentTypeCodes: [],
    }));
    await harness.produceEvent(
      Topics.EhrSlotV1,
      createEnvelope(
        {
          type: 'EhrFreeSlotsV1',
          tenantId: harness.tenantId,
          aggregateId: scheduleId,
          payload: {
            sourceSystem: 'ehr-stand-in',
            ehrScheduleId: scheduleId,
            ehrPractitionerIds: ['pr-1'],
            ehrLocationIds: ['loc-1'],
            appointmentTypeCodes: [typeCode],
            windowStart: timestampFromDate(new Date()),
            windowEnd: timestampFromDate(inDays(14)),
            observedAt: timestampFromDate(new Date()),
            trigger: SlotSnapshotTrigger.POLL,
            slots,
          },
        },
        { producer: 'ehr-gateway' },
      ),
    );
    await waitFor('slot snapshot applied', 20_000, async () => {
      const rows = await harness.query(`SELECT 1 FROM ehr_free_slot WHERE ehr_schedule_id = $1`, [
        scheduleId,
      ]);
      return rows.length === slots.length;
    });
    const page = await open(url);

    await page.getByRole('link', { name: 'Change time' }).tap();
    await page.getByRole('heading', { name: 'Choose a new time' }).waitFor();
    expect(await page.getByRole('radio').count()).toBe(slots.length);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('radio').nth(1).check();
    await shoot(page, 'reschedule-1-slots');
    await page.getByRole('button', { name: 'Move my visit to this time' }).tap();
    await page.getByRole('heading', { name: 'We are moving your visit' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, 'reschedule-2-done');

    expect(await responsesOf(appointmentId)).toEqual([
      { kind: 'rescheduled', slot_id: slots[1]?.slotId, cancellation_reason: null },
    ]);
    expect(cspViolations).toEqual([]);
  });
});
