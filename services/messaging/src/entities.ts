import { AppointmentRevisionEntity } from './message/appointment-revision.entity';
import { MessageEntity } from './message/message.entity';
import { CreateMessagingSchema1795747878715 } from './migrations/1795747878715-CreateMessagingSchema';

/** The service's own tables; the outbox and inbox come with ServiceInfrastructureModule. */
export const messagingEntities = [MessageEntity, AppointmentRevisionEntity];

export const messagingMigrations = [CreateMessagingSchema1795747878715];
