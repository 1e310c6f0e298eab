import { kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';

import { AppointmentEhrVersionEntity } from './appointments/appointment-ehr-version.entity';
import { AppointmentEntity } from './appointments/appointment.entity';
import { LocationEntity } from './directory/location.entity';
import { PatientEntity } from './directory/patient.entity';
import { ProviderEntity } from './directory/provider.entity';
import { CreateSchedulingSchema1767000000000 } from './migrations/1767000000000-CreateSchedulingSchema';

export const schedulingEntities = [
  ...kafkaEntities,
  PatientEntity,
  ProviderEntity,
  LocationEntity,
  AppointmentEntity,
  AppointmentEhrVersionEntity,
];

/** The outbox/inbox tables first: the service's own migrations never depend on them, but order is explicit. */
export const schedulingMigrations = [...kafkaMigrations, CreateSchedulingSchema1767000000000];
