import { WithdrawalReason } from '../message/withdrawal-reason';

export type DispatchDecision =
  | { readonly action: 'send' }
  | { readonly action: 'withdraw'; readonly reason: WithdrawalReason }
  | { readonly action: 'expire' };

export interface DispatchFacts {
  /** The appointment revision the message was written for. */
  readonly messageRevision: number;
  /** The newest revision messaging has consumed; null if it has none (never for a queued message). */
  readonly latestRevision: number | null;
  /** Whether that newest revision is a cancellation. */
  readonly appointmentCancelled: boolean;
  /** When the visit starts; null for messages queued before messaging recorded it. */
  readonly appointmentStart: Date | null;
  readonly now: Date;
  /** A confirmation for a visit starting sooner than this is useless: expire it instead. */
  readonly minLeadMs: number;
  /** The patient's consent record for the channel says withdrawn (read at the claim). */
  readonly consentWithdrawn?: boolean;
  /** A reply (opt-out confirmation, HELP) answers the patient's own text: no appointment rule applies. */
  readonly isReply?: boolean;
  /** A reminder text whose number the tenant marked undeliverable (Twilio 30003/30006). */
  readonly numberUndeliverable?: boolean;
}

/**
 * Whether a message the sender holds may still go out, decided on the latest appointment
 * revision at the moment of sending, not the one it was queued for. Obsolete beats late: a
 * message for a cancelled visit is withdrawn (and reported as such) even when it is also late.
 */
export function decideDispatch(facts: DispatchFacts): DispatchDecision {
  // The one text allowed after an opt-out is its confirmation, which is a reply.
  if (facts.isReply === true) return { action: 'send' };
  const latest = facts.latestRevision ?? facts.messageRevision;
  if (facts.appointmentCancelled && latest >= facts.messageRevision) {
    return { action: 'withdraw', reason: WithdrawalReason.AppointmentCancelled };
  }
  if (latest > facts.messageRevision) {
    return { action: 'withdraw', reason: WithdrawalReason.AppointmentSuperseded };
  }
  if (facts.consentWithdrawn === true) {
    return { action: 'withdraw', reason: WithdrawalReason.ConsentWithdrawn };
  }
  if (
    facts.appointmentStart !== null &&
    facts.appointmentStart.getTime() <= facts.now.getTime() + facts.minLeadMs
  ) {
    return { action: 'expire' };
  }
  // Texting it again fails the same way; the caller sends the step's email instead.
  if (facts.numberUndeliverable === true) {
    return { action: 'withdraw', reason: WithdrawalReason.NumberUndeliverable };
  }
  return { action: 'send' };
}
