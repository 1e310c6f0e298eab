import { create, toBinary } from '@bufbuild/protobuf';

import { EVENT_TYPES, eventDefinitionOf, eventRegistry, isEventType } from './event-registry';
import { ALL_TOPICS, dlqTopicOf } from './topics';

describe('eventRegistry', () => {
  const sut = eventRegistry;

  it.each(EVENT_TYPES)('should key %s by its protobuf message name', (type) => {
    expect(sut[type].schema.name).toBe(type);
  });

  it.each(EVENT_TYPES)('should give %s the version of its V<N> suffix', (type) => {
    expect(`V${sut[type].version}`).toBe(/V\d+$/.exec(type)?.[0]);
  });

  it.each(EVENT_TYPES)('should publish %s to a declared topic', (type) => {
    expect(ALL_TOPICS).toContain(sut[type].topic);
  });

  it.each(EVENT_TYPES)('should reject an empty %s payload', (type) => {
    const definition = eventDefinitionOf(type);

    expect(definition.validate(create(definition.schema)).length).toBeGreaterThan(0);
  });

  it('should map the wire bytes of one event type to that type only', () => {
    const bytes = toBinary(
      sut.MessageQueuedV1.schema,
      create(sut.MessageQueuedV1.schema, { messageId: 'm' }),
    );

    expect(bytes.length).toBeGreaterThan(0);
    expect(isEventType('MessageQueuedV1')).toBe(true);
    expect(isEventType('toString')).toBe(false);
  });
});

describe(dlqTopicOf.name, () => {
  it('should suffix the source topic with .dlq', () => {
    expect(dlqTopicOf('scheduling.appointment.v1')).toBe('scheduling.appointment.v1.dlq');
  });
});
