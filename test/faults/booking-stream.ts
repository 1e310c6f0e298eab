import { FhirAppointmentBuilder, signedWebhookHeaders, sleep } from '@caredispatch/testing';

/** What the EHR finally says about an appointment. */
export type AppointmentStory = 'booked' | 'rescheduled' | 'cancelled';

export const BOOKED_START = '2030-03-14T09:30:00-04:00';
export const MOVED_START = '2030-03-14T11:00:00-04:00';
/** How each start reads in the SMS (America/New_York). */
export const BOOKED_TIME_TEXT = '9:30 AM';
export const MOVED_TIME_TEXT = '11:00 AM';

export type DeliveryResult = 'accepted' | 'rejected' | 'unknown';

/**
 * One webhook delivery as an EHR makes it: retried with the same webhook-id and exponential
 * backoff (1 s … 15 s) until answered.
 */
export interface Delivery {
  readonly kind: AppointmentStory;
  /** Epoch ms of the first attempt. */
  firstPostedAt: number;
  /** Epoch ms of the answer that settled it. */
  answeredAt: number | undefined;
  result: DeliveryResult | undefined;
  attempts: number;
  /** HTTP status of the last answer, or the network error's code. */
  lastAnswer: string;
}

export interface StreamedAppointment {
  readonly index: number;
  readonly appointmentId: string;
  readonly phoneE164: string;
  readonly story: AppointmentStory;
  readonly deliveries: Delivery[];
}

export interface BookingStreamOptions {
  readonly gatewayUrl: () => string;
  readonly tenantId: string;
  readonly secret: string;
  /** Bookings per second. */
  readonly rate: number;
  readonly durationMs: number;
  /** Delay between a booking and its reschedule or cancellation. */
  readonly followUpAfterMs: number;
  /** How long an EHR keeps retrying one delivery. */
  readonly retryForMs: number;
}

/** Statuses an EHR retries (Standard Webhooks: anything but 2xx, except the permanent 4xx). */
/** The server's `Retry-After` in seconds (as our 503s send it), capped like our own backoff. */
function retryAfterOf(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(15_000, seconds * 1_000) : undefined;
}

function isRetryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * A steady, open-loop stream of signed FHIR bookings; every tenth booking is later rescheduled,
 * every tenth cancelled (the rest stay booked). Each delivery is retried like an EHR retries,
 * with the same webhook-id, so a fault that makes the gateway answer 5xx or drop the connection
 * only delays a booking.
 */
export class BookingStream {
  readonly appointments: StreamedAppointment[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly runTag = Date.now().toString(36);

  constructor(private readonly options: BookingStreamOptions) {}

  /** Posts for the configured duration; resolves once every delivery has settled. */
  async run(): Promise<void> {
    const total = Math.round((this.options.rate * this.options.durationMs) / 1000);
    const started = performance.now();
    for (let index = 0; index < total; index += 1) {
      const wait = started + (index * 1000) / this.options.rate - performance.now();
      if (wait > 0) await sleep(wait);
      this.track(this.book(index));
    }
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async book(index: number): Promise<void> {
    const story = storyOf(index);
    const phone = phoneFor(index);
    const booking = FhirAppointmentBuilder.booking({
      id: `fault-${this.runTag}-${index}`,
      patientId: `pat-${index}`,
      patientMrn: `MRN-${index}`,
      patientPhone: phone.display,
      start: BOOKED_START,
      end: '2030-03-14T10:00:00-04:00',
    });
    const appointment: StreamedAppointment = {
      index,
      appointmentId: booking.appointmentId,
      phoneE164: phone.e164,
      story,
      deliveries: [],
    };
    this.appointments.push(appointment);
    const booked = await this.deliver(appointment, 'booked', booking.toJson());
    if (story === 'booked' || booked.result !== 'accepted') return;
    await sleep(Math.max(0, booked.firstPostedAt + this.options.followUpAfterMs - Date.now()));
    const followUp =
      story === 'rescheduled'
        ? booking.with({
            versionId: '2',
            lastUpdated: '2030-03-02T14:00:00Z',
            start: MOVED_START,
            end: '2030-03-14T11:30:00-04:00',
          })
        : booking.with({
            versionId: '2',
            lastUpdated: '2030-03-02T14:00:00Z',
            status: 'cancelled',
          });
    await this.deliver(appointment, story, followUp.toJson());
  }

  private async deliver(
    appointment: StreamedAppointment,
    kind: AppointmentStory,
    body: string,
  ): Promise<Delivery> {
    const delivery: Delivery = {
      kind,
      firstPostedAt: Date.now(),
      answeredAt: undefined,
      result: undefined,
      attempts: 0,
      lastAnswer: '',
    };
    appointment.deliveries.push(delivery);
    const webhookId = `msg_${appointment.appointmentId}_${kind}`;
    const giveUpAt = delivery.firstPostedAt + this.options.retryForMs;
    let outcomeUnknown = false;
    while (delivery.result === undefined) {
      delivery.attempts += 1;
      let retryAfterMs: number | undefined;
      try {
        const response = await fetch(
          `${this.options.gatewayUrl()}/v1/tenants/${this.options.tenantId}/webhooks/fhir`,
          {
            method: 'POST',
            headers: signedWebhookHeaders(this.options.secret, body, { id: webhookId }),
            body,
            // Generous: on a saturated machine a retry sent while the first attempt still queues
            // only deepens the queue.
            signal: AbortSignal.timeout(60_000),
          },
        );
        await response.arrayBuffer();
        delivery.lastAnswer = String(response.status);
        retryAfterMs = retryAfterOf(response);
        // A repeated webhook-id is answered 202 `duplicate` (Standard Webhooks' idempotency key).
        if (response.status === 202) {
          delivery.result = 'accepted';
        } else if (!isRetryable(response.status)) {
          delivery.result = 'rejected';
        } else {
          outcomeUnknown = true;
        }
      } catch (error) {
        outcomeUnknown = true;
        delivery.lastAnswer = errorCode(error);
      }
      if (delivery.result === undefined) {
        if (Date.now() > giveUpAt) delivery.result = outcomeUnknown ? 'unknown' : 'rejected';
        else await sleep(retryAfterMs ?? Math.min(15_000, 1_000 * 2 ** (delivery.attempts - 1)));
      }
    }
    delivery.answeredAt = Date.now();
    return delivery;
  }
}

/** 80 % stay booked, 10 % are moved, 10 % cancelled, spread evenly over the stream. */
export function storyOf(index: number): AppointmentStory {
  switch (index % 10) {
    case 3:
      return 'rescheduled';
    case 7:
      return 'cancelled';
    default:
      return 'booked';
  }
}

/** A distinct, valid US number per booking, so every SMS maps to exactly one appointment. */
export function phoneFor(index: number): { display: string; e164: string } {
  const exchange = 200 + Math.floor(index / 10_000);
  const line = String(index % 10_000).padStart(4, '0');
  return { display: `(332) ${exchange}-${line}`, e164: `+1332${exchange}${line}` };
}

function errorCode(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause;
    return cause?.code ?? error.name;
  }
  return 'error';
}
