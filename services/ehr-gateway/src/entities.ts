import { type ServiceDatabase } from '@caredispatch/platform';

import { AppointmentStateEntity } from './ehr-webhook/appointment-state.entity';
import { WebhookDeliveryEntity } from './ehr-webhook/webhook-delivery.entity';
import { CreateEhrWebhookTables1764210000000 } from './migrations/1764210000000-create-ehr-webhook-tables';
import { SequenceAppointmentState1764900000000 } from './migrations/1764900000000-sequence-appointment-state';
import { CreateWriteBackTables1764950000000 } from './migrations/1764950000000-create-write-back-tables';
import { IsolateEhrGatewayTenants1765000000000 } from './migrations/1765000000000-isolate-ehr-gateway-tenants';
import { IsolateWriteBackTenants1765100000000 } from './migrations/1765100000000-isolate-write-back-tenants';
import { BookWaitlistFills1798300000001 } from './migrations/1798300000001-book-waitlist-fills';
import { CreateRosterImportJob1798400000000 } from './migrations/1798400000000-create-roster-import-job';
import { ReassignPractitioners1800300000000 } from './migrations/1800300000000-reassign-practitioners';
import { MoveKeptVisits1800600000000 } from './migrations/1800600000000-move-kept-visits';
import { RosterImportJobEntity } from './roster/roster-import-job.entity';
import { WriteBackJobEntity } from './write-back/write-back-job.entity';
import { WrittenVersionEntity } from './write-back/written-version.entity';

/** The service's own tables; the outbox comes with ServiceInfrastructureModule. */
export const ehrGatewayEntities = [
  WebhookDeliveryEntity,
  AppointmentStateEntity,
  WriteBackJobEntity,
  WrittenVersionEntity,
  RosterImportJobEntity,
];

export const ehrGatewayMigrations = [
  CreateEhrWebhookTables1764210000000,
  SequenceAppointmentState1764900000000,
  CreateWriteBackTables1764950000000,
  IsolateEhrGatewayTenants1765000000000,
  IsolateWriteBackTenants1765100000000,
  BookWaitlistFills1798300000001,
  CreateRosterImportJob1798400000000,
  ReassignPractitioners1800300000000,
  MoveKeptVisits1800600000000,
];

/** What the migrate step builds and the runtime role may use. */
export const ehrGatewayDatabase: ServiceDatabase = {
  entities: ehrGatewayEntities,
  migrations: ehrGatewayMigrations,
  produces: true,
  // It consumes patient responses to write them back to the EHR.
  consumes: true,
  // No PHI column of its own (no part of a webhook body is stored); its outbox
  // payloads carry the patient's name and phone and are encrypted.
  phi: { columns: [] },
};
