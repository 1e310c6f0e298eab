import {
  isTerminal,
  MessageState,
  MessageTransition,
  nextMessageState,
  parseMessageState,
} from './message-state';

describe(nextMessageState.name, () => {
  it.each([
    [MessageState.Queued, MessageTransition.Claim, MessageState.Sending],
    [MessageState.Queued, MessageTransition.Cancel, MessageState.Cancelled],
    [MessageState.Sending, MessageTransition.ProviderAccepted, MessageState.Sent],
    [MessageState.Sending, MessageTransition.Requeue, MessageState.Queued],
    [MessageState.Sending, MessageTransition.Reject, MessageState.Failed],
    [MessageState.Sending, MessageTransition.Withdraw, MessageState.Cancelled],
    [MessageState.Sending, MessageTransition.Expire, MessageState.Expired],
    [MessageState.Sent, MessageTransition.ProviderDelivered, MessageState.Delivered],
    [MessageState.Sent, MessageTransition.ProviderUndelivered, MessageState.Undelivered],
    [MessageState.Sent, MessageTransition.ProviderFailed, MessageState.Failed],
  ])('should move %s on %s to %s', (from, transition, to) => {
    const sut = nextMessageState(from, transition);

    expect(sut).toBe(to);
  });

  it.each([
    // Delivery reports never move a message backwards or sideways once it is final.
    [MessageState.Delivered, MessageTransition.ProviderSent],
    [MessageState.Delivered, MessageTransition.ProviderUndelivered],
    [MessageState.Delivered, MessageTransition.ProviderDelivered],
    [MessageState.Undelivered, MessageTransition.ProviderDelivered],
    [MessageState.Failed, MessageTransition.ProviderDelivered],
    [MessageState.Sent, MessageTransition.ProviderSent],
    // A message in flight cannot be cancelled: it may already be on the handset.
    [MessageState.Sending, MessageTransition.Cancel],
    [MessageState.Sent, MessageTransition.Cancel],
    // Once the provider has it, it was sent: neither withdrawn nor expired.
    [MessageState.Sent, MessageTransition.Withdraw],
    [MessageState.Sent, MessageTransition.Expire],
    // Only the sender that holds a message decides it is too late or obsolete.
    [MessageState.Queued, MessageTransition.Withdraw],
    [MessageState.Queued, MessageTransition.Expire],
    // Nothing revives a cancelled or suppressed message.
    [MessageState.Cancelled, MessageTransition.Claim],
    [MessageState.Suppressed, MessageTransition.Claim],
    [MessageState.Expired, MessageTransition.Claim],
    // A report for a message we have not recorded as sent is not applied.
    [MessageState.Queued, MessageTransition.ProviderDelivered],
  ])('should refuse %s on %s', (from, transition) => {
    const sut = nextMessageState(from, transition);

    expect(sut).toBeUndefined();
  });

  it('should treat delivered, undelivered, failed, cancelled, suppressed and expired as terminal', () => {
    const sut = Object.values(MessageState).filter(isTerminal);

    expect(sut.sort()).toEqual(
      [
        MessageState.Cancelled,
        MessageState.Delivered,
        MessageState.Expired,
        MessageState.Failed,
        MessageState.Suppressed,
        MessageState.Undelivered,
      ].sort(),
    );
  });
});

describe(parseMessageState.name, () => {
  it('should reject a value that is not a state', () => {
    expect(() => parseMessageState('read')).toThrow("unknown message state 'read'");
  });
});
