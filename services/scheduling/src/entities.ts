import { type ServiceDatabase } from '@caredispatch/platform';

import { AppointmentEhrVersionEntity } from './appointments/appointment-ehr-version.entity';
import { AppointmentEntity } from './appointments/appointment.entity';
import { LOCATION_PHI_COLUMNS } from './directory/location-phi';
import { LocationEntity } from './directory/location.entity';
import { PATIENT_PHI_COLUMNS } from './directory/patient-phi';
import { PatientEntity } from './directory/patient.entity';
import { ProviderEntity } from './directory/provider.entity';
import { CreateSchedulingSchema1767000000000 } from './migrations/1767000000000-CreateSchedulingSchema';
import { AppointmentIdWithoutDefault1767000000001 } from './migrations/1767000000001-AppointmentIdWithoutDefault';
import { AddAppointmentEhrSequence1767100000000 } from './migrations/1767100000000-AddAppointmentEhrSequence';
import { AddPatientPhoneLookupHash1767200000000 } from './migrations/1767200000000-AddPatientPhoneLookupHash';
import { IsolateSchedulingTenants1767300000000 } from './migrations/1767300000000-IsolateSchedulingTenants';
import { AddPatientPreferredLanguage1798100000000 } from './migrations/1798100000000-AddPatientPreferredLanguage';
import { EncryptLocationAddress1800000000001 } from './migrations/1800000000001-EncryptLocationAddress';

/** The service's own tables; the outbox and inbox come with ServiceInfrastructureModule. */
export const schedulingEntities = [
  PatientEntity,
  ProviderEntity,
  LocationEntity,
  AppointmentEntity,
  AppointmentEhrVersionEntity,
];

export const schedulingMigrations = [
  CreateSchedulingSchema1767000000000,
  AppointmentIdWithoutDefault1767000000001,
  AddAppointmentEhrSequence1767100000000,
  AddPatientPhoneLookupHash1767200000000,
  IsolateSchedulingTenants1767300000000,
  AddPatientPreferredLanguage1798100000000,
  EncryptLocationAddress1800000000001,
];

/** What the migrate step builds and the runtime role may use. */
export const schedulingDatabase: ServiceDatabase = {
  entities: schedulingEntities,
  migrations: schedulingMigrations,
  produces: true,
  consumes: true,
  phi: { columns: [...PATIENT_PHI_COLUMNS, ...LOCATION_PHI_COLUMNS] },
};
