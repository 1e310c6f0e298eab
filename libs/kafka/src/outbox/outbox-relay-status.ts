/** What the relay reports to readiness and /metrics; free of client-library types. */
export interface OutboxRelayStatus {
  readonly ready: boolean;
  /** A LISTEN session is open (otherwise the relay runs on its poll only). */
  readonly listening: boolean;
  /** Rows parked and waiting for an operator (`SELECT outbox_unpark(...)`). */
  readonly parked: number;
  readonly consecutiveFailures: number;
  /** Error classes of the last failed round (no message text), until a round succeeds. */
  readonly lastFailure: string | undefined;
}
