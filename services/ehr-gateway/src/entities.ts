import { AppointmentStateEntity } from './ehr-webhook/appointment-state.entity';
import { WebhookDeliveryEntity } from './ehr-webhook/webhook-delivery.entity';
import { CreateEhrWebhookTables1764210000000 } from './migrations/1764210000000-create-ehr-webhook-tables';
import { SequenceAppointmentState1764900000000 } from './migrations/1764900000000-sequence-appointment-state';
import { CreateWriteBackTables1764950000000 } from './migrations/1764950000000-create-write-back-tables';
import { WriteBackJobEntity } from './write-back/write-back-job.entity';
import { WrittenVersionEntity } from './write-back/written-version.entity';

/** The service's own tables; the outbox comes with ServiceInfrastructureModule. */
export const ehrGatewayEntities = [
  WebhookDeliveryEntity,
  AppointmentStateEntity,
  WriteBackJobEntity,
  WrittenVersionEntity,
];

export const ehrGatewayMigrations = [
  CreateEhrWebhookTables1764210000000,
  SequenceAppointmentState1764900000000,
  CreateWriteBackTables1764950000000,
];
