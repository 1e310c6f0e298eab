import { Injectable } from '@nestjs/common';

import { AUDITED_TOPICS } from '@caredispatch/contracts';
import { type EventContext, EventHandler, type EventHandlerFn } from '@caredispatch/kafka';

import { AuditRecorderService } from './audit-recorder.service';

/**
 * Subscribes a method to every event type on every domain topic. Driven by AUDITED_TOPICS so a
 * topic added to the contracts is audited without touching this service.
 */
function OnEveryDomainTopic() {
  return <M extends EventHandlerFn>(
    target: object,
    propertyKey: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    for (const topic of AUDITED_TOPICS) EventHandler(topic)(target, propertyKey, descriptor);
  };
}

@Injectable()
export class AuditEventsConsumer {
  constructor(private readonly recorder: AuditRecorderService) {}

  @OnEveryDomainTopic()
  async onEvent(context: EventContext): Promise<void> {
    await this.recorder.record(context.manager, context);
  }
}
