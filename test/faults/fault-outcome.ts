import {
  BOOKED_START,
  BOOKED_TIME_TEXT,
  MOVED_START,
  MOVED_TIME_TEXT,
  type StreamedAppointment,
} from './booking-stream';

/** An SMS as the Twilio stand-in received it. */
export interface SentText {
  readonly to: string;
  readonly body: string;
  readonly createdAt: number;
  /**
   * When messaging decided to send it: the claim of the newest attempt of the message that
   * recorded this text (an upper bound). Undefined for a text no message recorded: it is
   * judged by when Twilio created it.
   */
  readonly decidedAt?: number;
}

/** An appointment as scheduling (the system of record) holds it at the end. */
export interface RecordedAppointment {
  readonly ehrAppointmentId: string;
  readonly status: string;
  readonly startAt: Date;
  /** When scheduling committed its latest change (the cancellation or the move). */
  readonly updatedAt: Date;
  /** When messaging recorded (consumed) that same revision; undefined if it never did. */
  readonly messagingUpdatedAt?: Date;
}

export interface FaultEvidence {
  readonly appointments: readonly StreamedAppointment[];
  readonly texts: readonly SentText[];
  readonly recorded: readonly RecordedAppointment[];
  readonly deadLetters: number;
  readonly auditValid: boolean;
  /** Events in a producer's outbox that the audit log never recorded. */
  readonly auditMissing: number;
}

export interface FaultOutcome {
  readonly accepted: number;
  /** Bookings the EHR gave up on (never answered) or that were refused. */
  readonly notAccepted: number;
  readonly textsSent: number;
  /** Accepted bookings whose final state got no text. */
  readonly missing: number;
  readonly duplicates: number;
  readonly afterCancellation: number;
  /** Texts naming the old time after scheduling had recorded the move. */
  readonly staleAfterMove: number;
  /** Appointments whose final state at scheduling differs from the EHR's. */
  readonly wrongState: number;
  readonly deadLetters: number;
  readonly auditValid: boolean;
  readonly auditMissing: number;
  readonly maxLatencyMs: number;
  /** One line per violated acceptance rule; empty when the fault passed. */
  readonly violations: string[];
}

function decidedAt(text: SentText): number {
  return text.decidedAt ?? text.createdAt;
}

/** The state the EHR finally told us about: the last accepted delivery. */
function finalStory(appointment: StreamedAppointment): StreamedAppointment['story'] {
  const accepted = appointment.deliveries.filter((delivery) => delivery.result === 'accepted');
  return accepted[accepted.length - 1]?.kind ?? 'booked';
}

/**
 * Judges one fault run against the suite's acceptance: every accepted booking's final state
 * gets exactly one text, no text follows a cancellation (or names a time already moved), no
 * dead letter, every event is in the audit trail and the chain verifies.
 */
export function judgeFault(evidence: FaultEvidence): FaultOutcome {
  const textsTo = new Map<string, SentText[]>();
  for (const text of evidence.texts) {
    const list = textsTo.get(text.to) ?? [];
    list.push(text);
    textsTo.set(text.to, list);
  }
  const recordedById = new Map(evidence.recorded.map((row) => [row.ehrAppointmentId, row]));
  let accepted = 0;
  let missing = 0;
  let duplicates = 0;
  let afterCancellation = 0;
  let staleAfterMove = 0;
  let wrongState = 0;
  let maxLatencyMs = 0;
  const examples: Partial<Record<string, string[]>> = {};
  const note = (rule: string, appointment: StreamedAppointment): void => {
    const list = (examples[rule] ??= []);
    if (list.length < 3) list.push(appointment.appointmentId);
  };

  for (const appointment of evidence.appointments) {
    const booking = appointment.deliveries.at(0);
    if (booking?.result !== 'accepted') continue;
    accepted += 1;
    const texts = textsTo.get(appointment.phoneE164) ?? [];
    const bodies = new Map<string, number>();
    for (const text of texts) bodies.set(text.body, (bodies.get(text.body) ?? 0) + 1);
    for (const count of bodies.values()) duplicates += count - 1;
    if ([...bodies.values()].some((count) => count > 1)) note('duplicate', appointment);

    const story = finalStory(appointment);
    const recorded = recordedById.get(appointment.appointmentId);
    const expectedStatus = story === 'cancelled' ? 'cancelled' : 'booked';
    const expectedTime = story === 'rescheduled' ? MOVED_TIME_TEXT : BOOKED_TIME_TEXT;
    const expectedStart = Date.parse(story === 'rescheduled' ? MOVED_START : BOOKED_START);
    const recordedRight =
      recorded?.status === expectedStatus &&
      (story === 'cancelled' || recorded.startAt.getTime() === expectedStart)
        ? recorded
        : undefined;
    const rightState = recordedRight !== undefined;
    if (!rightState) {
      wrongState += 1;
      note('wrong state', appointment);
    }
    const lastChange = appointment.deliveries.at(-1);
    // From the moment messaging consumed the change (it cannot act on what it has not seen);
    // else scheduling's commit time; else the EHR's acceptance time. A text counts against
    // it by when messaging decided to send it: a send already in flight cannot be recalled,
    // and under load Twilio may create it a while after the decision.
    const changedAt =
      recordedRight?.messagingUpdatedAt?.getTime() ??
      recordedRight?.updatedAt.getTime() ??
      lastChange?.answeredAt ??
      0;

    if (story === 'cancelled') {
      const late = texts.filter((text) => decidedAt(text) > changedAt).length;
      afterCancellation += late;
      if (late > 0) note('text after cancellation', appointment);
      continue;
    }
    if (story === 'rescheduled') {
      const stale = texts.filter(
        (text) => text.body.includes(BOOKED_TIME_TEXT) && decidedAt(text) > changedAt,
      ).length;
      staleAfterMove += stale;
      if (stale > 0) note('stale text after move', appointment);
    }
    const finalTexts = texts.filter((text) => text.body.includes(expectedTime));
    if (finalTexts.length === 0) {
      missing += 1;
      note('missing text', appointment);
      continue;
    }
    const postedAt = lastChange?.firstPostedAt ?? 0;
    const firstText = Math.min(...finalTexts.map((text) => text.createdAt));
    maxLatencyMs = Math.max(maxLatencyMs, firstText - postedAt);
  }

  const violations: string[] = [];
  const rule = (count: number, label: string, key: string): void => {
    if (count > 0) violations.push(`${count} ${label} (e.g. ${(examples[key] ?? []).join(', ')})`);
  };
  rule(missing, 'accepted bookings without a text for their final state', 'missing text');
  rule(duplicates, 'duplicate texts', 'duplicate');
  rule(afterCancellation, 'texts after a cancellation', 'text after cancellation');
  rule(staleAfterMove, 'texts naming the old time after a move', 'stale text after move');
  rule(wrongState, 'appointments in the wrong final state at scheduling', 'wrong state');
  if (evidence.deadLetters > 0) violations.push(`${evidence.deadLetters} dead letters`);
  if (evidence.auditMissing > 0) {
    violations.push(`${evidence.auditMissing} events missing from the audit trail`);
  }
  if (!evidence.auditValid) violations.push('audit chain does not verify');

  return {
    accepted,
    notAccepted: evidence.appointments.length - accepted,
    textsSent: evidence.texts.length,
    missing,
    duplicates,
    afterCancellation,
    staleAfterMove,
    wrongState,
    deadLetters: evidence.deadLetters,
    auditValid: evidence.auditValid,
    auditMissing: evidence.auditMissing,
    maxLatencyMs,
    violations,
  };
}
