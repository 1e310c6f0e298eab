/** Why an incoming message could not be turned into a typed event; written to the `dlq-reason` header. */
export enum EventDecodeFailure {
  EmptyValue = 'EMPTY_VALUE',
  MalformedEnvelope = 'MALFORMED_ENVELOPE',
  InvalidEnvelope = 'INVALID_ENVELOPE',
  UnknownEventType = 'UNKNOWN_EVENT_TYPE',
  VersionMismatch = 'VERSION_MISMATCH',
  MalformedPayload = 'MALFORMED_PAYLOAD',
  InvalidPayload = 'INVALID_PAYLOAD',
}

/**
 * A message that can never be processed, however often it is retried: consumers send it
 * straight to the dead-letter topic. `issues` name fields only, never their values (PHI).
 */
export class EventDecodeError extends Error {
  override readonly name = 'EventDecodeError';

  constructor(
    readonly reason: EventDecodeFailure,
    readonly issues: readonly string[] = [],
  ) {
    super(issues.length > 0 ? `${reason}: ${issues.join('; ')}` : reason);
  }
}

/** A producer tried to publish an event that violates its contract (a programming error). */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';

  constructor(
    readonly eventType: string,
    readonly issues: readonly string[],
  ) {
    super(`invalid ${eventType}: ${issues.join('; ')}`);
  }
}
