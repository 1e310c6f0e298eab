import { InboxEventEntity } from '../inbox/inbox-event.entity';
import { OutboxMessageEntity } from '../outbox/outbox-message.entity';

import { CreateOutboxMessage1764201600000 } from './1764201600000-create-outbox-message';
import { CreateInboxEvent1764201600001 } from './1764201600001-create-inbox-event';
import { ParkOutboxMessage1764201600002 } from './1764201600002-park-outbox-message';
import { IsolateOutboxTenants1764201600003 } from './1764201600003-isolate-outbox-tenants';

export {
  CreateInboxEvent1764201600001,
  CreateOutboxMessage1764201600000,
  ParkOutboxMessage1764201600002,
  IsolateOutboxTenants1764201600003,
};

/** Add to a service DataSource's `entities`: `entities: [...kafkaEntities, ...own]`. */
export const kafkaEntities = [OutboxMessageEntity, InboxEventEntity];

/**
 * Add to a service DataSource's `migrations` BEFORE its own: `migrations: [...kafkaMigrations, ...own]`.
 * Their timestamps predate every service migration, so TypeORM runs them first either way.
 */
export const kafkaMigrations = [
  CreateOutboxMessage1764201600000,
  CreateInboxEvent1764201600001,
  ParkOutboxMessage1764201600002,
  IsolateOutboxTenants1764201600003,
];
