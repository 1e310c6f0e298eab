/** Lifecycle of one outbound message. Stored as text in `message.state`. */
export enum MessageState {
  Queued = 'queued',
  /** Claimed by a sender; the provider call may be in flight or its outcome unknown. */
  Sending = 'sending',
  Sent = 'sent',
  Delivered = 'delivered',
  Undelivered = 'undelivered',
  Failed = 'failed',
  /** Superseded or cancelled before it was sent. */
  Cancelled = 'cancelled',
  /** Never to be sent, e.g. the patient has not consented to SMS. */
  Suppressed = 'suppressed',
  /** Never sent: by the time it could go out the visit had started or was too close. */
  Expired = 'expired',
}

export enum MessageTransition {
  /** A sender takes a due message. */
  Claim = 'claim',
  /** The provider accepted it (API answer, or reconciliation found it). */
  ProviderAccepted = 'provider_accepted',
  /** Safe to try again: the provider certainly does not have it. */
  Requeue = 'requeue',
  /** The provider refused it permanently, or retries ran out. */
  Reject = 'reject',
  /** The consumer withdraws a message no sender holds (cancellation, newer revision). */
  Cancel = 'cancel',
  /**
   * The sender withdraws a message it holds that no longer matches the appointment — only
   * when the provider certainly does not have it (never called, or reconciled as absent).
   */
  Withdraw = 'withdraw',
  /** The sender gives up on a message the provider certainly does not have: too late to send. */
  Expire = 'expire',
  ProviderSent = 'provider_sent',
  ProviderDelivered = 'provider_delivered',
  ProviderUndelivered = 'provider_undelivered',
  ProviderFailed = 'provider_failed',
}

type TransitionTable = Readonly<
  Record<MessageState, Readonly<Partial<Record<MessageTransition, MessageState>>>>
>;

/**
 * Every legal move. Anything absent is refused, which is what makes status callbacks
 * monotonic: a late `sent` after `delivered`, or a duplicate `delivered`, changes nothing.
 * Terminal states have no way out.
 */
const TRANSITIONS: TransitionTable = {
  [MessageState.Queued]: {
    [MessageTransition.Claim]: MessageState.Sending,
    [MessageTransition.Cancel]: MessageState.Cancelled,
  },
  [MessageState.Sending]: {
    [MessageTransition.ProviderAccepted]: MessageState.Sent,
    [MessageTransition.Requeue]: MessageState.Queued,
    [MessageTransition.Reject]: MessageState.Failed,
    [MessageTransition.Withdraw]: MessageState.Cancelled,
    [MessageTransition.Expire]: MessageState.Expired,
  },
  [MessageState.Sent]: {
    [MessageTransition.ProviderDelivered]: MessageState.Delivered,
    [MessageTransition.ProviderUndelivered]: MessageState.Undelivered,
    [MessageTransition.ProviderFailed]: MessageState.Failed,
  },
  [MessageState.Delivered]: {},
  [MessageState.Undelivered]: {},
  [MessageState.Failed]: {},
  [MessageState.Cancelled]: {},
  [MessageState.Suppressed]: {},
  [MessageState.Expired]: {},
};

/** The state after `transition`, or undefined when the move is not allowed from `current`. */
export function nextMessageState(
  current: MessageState,
  transition: MessageTransition,
): MessageState | undefined {
  return TRANSITIONS[current][transition];
}

export function isTerminal(state: MessageState): boolean {
  return Object.keys(TRANSITIONS[state]).length === 0;
}

export function parseMessageState(value: string): MessageState {
  const state = Object.values(MessageState).find((candidate) => (candidate as string) === value);
  if (state === undefined) throw new Error(`unknown message state '${value}'`);
  return state;
}

export function parseMessageTransition(value: string): MessageTransition {
  const transition = Object.values(MessageTransition).find(
    (candidate) => (candidate as string) === value,
  );
  if (transition === undefined) throw new Error(`unknown message transition '${value}'`);
  return transition;
}
