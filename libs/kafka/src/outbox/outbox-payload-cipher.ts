/** The outbox row a payload belongs to; a cipher binds the payload to it. */
export interface OutboxRowIdentity {
  readonly tenantId: string;
  readonly eventId: string;
}

/**
 * Encrypts outbox payloads at rest (they carry patient names and phone numbers until retention
 * deletes them). The writer seals; the relay opens just before publishing, so Kafka still gets
 * the plain envelope. libs/platform supplies the implementation (libs/phi-crypto).
 */
export interface OutboxPayloadCipher {
  /**
   * Loads what `seal` needs for the tenant (its current data key), so that `seal`, inside the
   * caller's transaction, never waits for a second pooled connection (see OutboxWriter.prepare).
   */
  prepare?(tenantId: string): Promise<void>;
  seal(row: OutboxRowIdentity, payload: Uint8Array): Promise<Buffer>;
  /** Returns a payload written before encryption was switched on as it is. */
  open(row: OutboxRowIdentity, stored: Buffer): Promise<Buffer>;
}
