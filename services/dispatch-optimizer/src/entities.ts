import { DispatchAppointmentEntity } from './appointments/dispatch-appointment.entity';
import { CallOutEntity } from './call-outs/call-out.entity';
import { deliveryEntities, deliveryMigrations } from './delivery/delivery-schema';
import { EhrAssignmentRequestEntity } from './ehr-write-back/ehr-assignment-request.entity';
import { DispatchExceptionEntity } from './exceptions/dispatch-exception.entity';
import { ItineraryLinkEntity } from './itinerary-page/itinerary-link.entity';
import { CreateDispatchSchema1797000000000 } from './migrations/1797000000000-CreateDispatchSchema';
import { AddAppointmentEhrLocation1797030000000 } from './migrations/1797030000000-AddAppointmentEhrLocation';
import { IsolateDispatchTenants1797030000001 } from './migrations/1797030000001-IsolateDispatchTenants';
import { CreateRosterImport1798400000001 } from './migrations/1798400000001-CreateRosterImport';
import { StorePlanTravelMatrixApart1799400000000 } from './migrations/1799400000000-StorePlanTravelMatrixApart';
import { ScheduleRosterImport1799400000001 } from './migrations/1799400000001-ScheduleRosterImport';
import { OneScheduledPlanPerHorizon1799400000002 } from './migrations/1799400000002-OneScheduledPlanPerHorizon';
import { EncryptDispatchPhi1800000000000 } from './migrations/1800000000000-EncryptDispatchPhi';
import { WriteAssignmentsBackToEhr1800300000001 } from './migrations/1800300000001-WriteAssignmentsBackToEhr';
import { CreateItineraryLink1800400000000 } from './migrations/1800400000000-CreateItineraryLink';
import { IsolateItineraryLinks1800400000001 } from './migrations/1800400000001-IsolateItineraryLinks';
import { PlanEntity } from './plan/plan.entity';
import { AppointmentTypeRuleEntity } from './roster/appointment-type-rule.entity';
import { ClinicEntity } from './roster/clinic.entity';
import { ProviderEntity } from './roster/provider.entity';
import { RosterImportMappingEntity } from './roster-import/roster-import-mapping.entity';
import { RosterImportEntity } from './roster-import/roster-import.entity';
import { TenantSettingsEntity } from './settings/tenant-settings.entity';
import { GeocodeCacheEntity } from './travel/geocode-cache.entity';
import { MapsUsageEntity } from './travel/maps-usage.entity';
import { TravelTimeCacheEntity } from './travel/travel-time-cache.entity';

/** The service's own tables; the outbox and inbox come with ServiceInfrastructureModule. */
export const dispatchEntities = [
  ProviderEntity,
  AppointmentTypeRuleEntity,
  ClinicEntity,
  TenantSettingsEntity,
  DispatchAppointmentEntity,
  GeocodeCacheEntity,
  TravelTimeCacheEntity,
  MapsUsageEntity,
  PlanEntity,
  DispatchExceptionEntity,
  CallOutEntity,
  ...deliveryEntities,
  RosterImportEntity,
  RosterImportMappingEntity,
  ItineraryLinkEntity,
  EhrAssignmentRequestEntity,
];

/** In order: the service and its tests run the same list. */
export const dispatchMigrations = [
  CreateDispatchSchema1797000000000,
  ...deliveryMigrations,
  AddAppointmentEhrLocation1797030000000,
  IsolateDispatchTenants1797030000001,
  CreateRosterImport1798400000001,
  StorePlanTravelMatrixApart1799400000000,
  ScheduleRosterImport1799400000001,
  OneScheduledPlanPerHorizon1799400000002,
  EncryptDispatchPhi1800000000000,
  WriteAssignmentsBackToEhr1800300000001,
  CreateItineraryLink1800400000000,
  IsolateItineraryLinks1800400000001,
];
