import type { EventEnvelope, EventPayload, EventType } from '@caredispatch/contracts';

import type { EntityManager } from 'typeorm';

interface EventContextBase {
  readonly envelope: EventEnvelope;
  /** Transactional manager: the handler's writes (and outbox appends) commit with the inbox row. */
  readonly manager: EntityManager;
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** 1 on first delivery to the handler, increasing with each in-process retry. */
  readonly attempt: number;
}

/**
 * What a handler receives. For a union of event types it is a discriminated union on
 * `eventType`, so `switch (ctx.eventType)` narrows `ctx.event` to the right message.
 */
export type EventContext<T extends EventType = EventType> = {
  [K in T]: EventContextBase & { readonly eventType: K; readonly event: EventPayload<K> };
}[T];

export type EventHandlerFn<T extends EventType = EventType> = (
  context: EventContext<T>,
) => Promise<void>;
