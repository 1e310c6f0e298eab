import type { TopicSettings } from '../admin/topic-settings';
import type { RetryPolicy } from '../backoff';
import type { OutboxPayloadCipher } from '../outbox/outbox-payload-cipher';

export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');

/**
 * The relay settings a service may tune (see OutboxRelayOptions). Spelled out rather than
 * picked from OutboxRelayOptions so the public API does not reach the relay's kafkajs types.
 */
export interface OutboxRelaySettings {
  readonly batchSize?: number;
  readonly pollIntervalMs?: number;
  readonly listen?: boolean;
  readonly stopTimeoutMs?: number;
  /** Non-transient publish failures before a row is parked (OUTBOX_MAX_ROW_FAILURES). */
  readonly maxRowFailures?: number;
  /** Hard deadline of one publish round (OUTBOX_SEND_TIMEOUT_MS). */
  readonly sendTimeoutMs?: number;
}

export interface KafkaModuleOptions {
  readonly clientId: string;
  readonly brokers: readonly string[];
  /** Service name stamped on every envelope this service produces, e.g. "scheduling". */
  readonly serviceName: string;
  /** Required when any provider declares an @EventHandler. */
  readonly consumer?: {
    readonly groupId: string;
    readonly retry?: Partial<RetryPolicy>;
    readonly partitionsConsumedConcurrently?: number;
    readonly fromBeginning?: boolean;
    readonly sessionTimeoutMs?: number;
  };
  /** Outbox relay tuning; `false` for a service that never produces. */
  readonly relay?: false | OutboxRelaySettings;
  /** Topics (and their .dlq) created at start-up when missing. */
  readonly topics?: TopicSettings & { readonly ensure: readonly string[] };
  /** Any `Clock` from @caredispatch/platform fits (libs/kafka cannot depend on platform). */
  readonly clock?: { now(): Date };
  /** Encrypts outbox payloads at rest (writer seals, relay opens); see OutboxPayloadCipher. */
  readonly payloadCipher?: OutboxPayloadCipher;
}
