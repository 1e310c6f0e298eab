// Public API of @caredispatch/kafka. Nothing here exposes a kafkajs type, so the client
// library underneath (kafkajs today, its successor tomorrow) can change without touching
// a service; index.spec.ts holds that line.
export * from './backoff';
export * from './headers';
export type { KafkaClientOptions } from './kafka-client-options';
export * from './tracing';
export type { TopicSettings } from './admin/topic-settings';
export * from './outbox/outbox-message.entity';
export * from './outbox/outbox-writer';
export * from './outbox/outbox-payload-cipher';
export * from './inbox/inbox-event.entity';
export * from './migrations';
export * from './consumer/event-context';
export * from './consumer/event-consumer';
export * from './consumer/failure-class';
export * from './consumer/consumer-health';
export * from './metrics/prometheus-text';
export * from './dlq/dead-letter-record';
export * from './nest/event-handler.decorator';
export * from './nest/kafka-module-options';
export * from './nest/kafka-runtime';
export * from './nest/kafka.module';
export * from './outbox/listen-session';
export * from './outbox/outbox-parking';
export * from './outbox/publish-failure';
export * from './retention/retention-task';
export * from './retention/retention-scheduler';
export * from './tenancy/transaction-scope';
export * from './tenancy/row-level-security';
