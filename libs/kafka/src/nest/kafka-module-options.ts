import type { Clock } from '@caredispatch/contracts';

import type { TopicSettings } from '../admin/ensure-topics';
import type { RetryPolicy } from '../backoff';
import type { OutboxRelayOptions } from '../outbox/outbox-relay';

export const KAFKA_MODULE_OPTIONS = Symbol('KAFKA_MODULE_OPTIONS');

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
  readonly relay?:
    false | Pick<OutboxRelayOptions, 'batchSize' | 'pollIntervalMs' | 'listen' | 'stopTimeoutMs'>;
  /** Topics (and their .dlq) created at start-up when missing. */
  readonly topics?: TopicSettings & { readonly ensure: readonly string[] };
  readonly clock?: Clock;
}
