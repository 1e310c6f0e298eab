import type { EventType } from '@caredispatch/contracts';

import type { EventHandlerFn } from '../consumer/event-context';

export const EVENT_HANDLER_METADATA = 'caredispatch:kafka:event-handler';

export interface EventHandlerMetadata {
  readonly topic: string;
  /** Undefined: every event type on the topic without a more specific handler. */
  readonly eventType: EventType | undefined;
}

type HandlerDecorator<T extends EventType> = <M extends EventHandlerFn<T>>(
  target: object,
  propertyKey: string | symbol,
  descriptor: TypedPropertyDescriptor<M>,
) => void;

/**
 * Marks a provider method as the handler of `eventType` on `topic`; the method's parameter
 * type is checked against the event (`EventContext<'AppointmentBookedV1'>`).
 * Without `eventType` the method handles every event type of the topic (`EventContext`).
 * Stackable: one method may handle several topics/types.
 */
export function EventHandler<T extends EventType>(topic: string, eventType: T): HandlerDecorator<T>;
export function EventHandler(topic: string): HandlerDecorator<EventType>;
export function EventHandler(topic: string, eventType?: EventType): HandlerDecorator<EventType> {
  return (_target, _propertyKey, descriptor) => {
    const method = descriptor.value;
    if (!method) throw new Error('@EventHandler must decorate a method');
    const existing = readEventHandlerMetadata(method);
    Reflect.defineMetadata(EVENT_HANDLER_METADATA, [...existing, { topic, eventType }], method);
  };
}

export function readEventHandlerMetadata(method: object): readonly EventHandlerMetadata[] {
  const metadata: unknown = Reflect.getMetadata(EVENT_HANDLER_METADATA, method);
  return Array.isArray(metadata) ? (metadata as EventHandlerMetadata[]) : [];
}
