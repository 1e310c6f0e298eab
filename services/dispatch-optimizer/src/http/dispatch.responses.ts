import { ApiProperty } from '@nestjs/swagger';

import { type ObjectiveBreakdown, type SolverStatistics } from '@caredispatch/optimizer';

import { type CallOutOutcome } from '../call-outs/call-out.model';
import {
  DISPATCH_EXCEPTION_KINDS,
  type DispatchException,
  type DispatchExceptionKind,
} from '../exceptions/dispatch-exception.model';
import {
  type ClinicSession,
  type Coordinates,
  type PlanChangeCause,
  type PlanHorizon,
  PLAN_KINDS,
  type PlanKind,
  type PlanSolverSummary,
  type PlanStop,
  type PlanTravelTimeSource,
  type PlanUnservedReason,
  type PlanVersion,
  type ProviderDayPlan,
  type ProviderDayTotals,
  type StopAddress,
  type UnservedPlanAppointment,
  VISIT_MODES,
  type VisitMode,
} from '../plan/plan.model';
import { type AppointmentTypeRuleEntity } from '../roster/appointment-type-rule.entity';
import { type ClinicEntity } from '../roster/clinic.entity';
import { type ClinicBlock, type OpeningHours } from '../roster/clinic.model';
import {
  type AvailabilityException,
  type DeliveryPreferences,
  type HomeBase,
  type ItineraryChannel,
  type QuietTime,
  type RosterProvider,
  type WeeklyAvailability,
  WEEKDAYS,
  type Weekday,
} from '../roster/roster.model';
import {
  type QualificationMapping,
  type RosterImportMapping,
  type RosterImportSummary,
  type RosterImportWarning,
} from '../roster-import/ehr-roster-import.model';
import { type RosterImportView } from '../roster-import/roster-import.service';
import { type TenantSettingsView } from '../settings/tenant-settings.service';

/*
 * The OpenAPI shapes of dispatch-optimizer's JSON answers. Each class `implements` the type its
 * route returns, so a field added to an answer without its documentation fails to compile. A
 * union (channel, change cause, import warning) keeps its own type on the field and is
 * documented by a class that spells out its members' fields.
 */

const TIME = { example: '08:00', description: 'Local wall-clock time, HH:MM (24 h)' };
const INSTANT = { format: 'date-time', description: 'ISO-8601 instant (UTC)' };
const DAY = { format: 'date', description: 'Practice day, YYYY-MM-DD in its time zone' };

// --- roster -----------------------------------------------------------------------------------

export class CoordinatesDto implements Coordinates {
  @ApiProperty() lat!: number;
  @ApiProperty() lon!: number;
}

export class HomeBaseDto implements HomeBase {
  @ApiProperty() address!: string;
  @ApiProperty({ type: CoordinatesDto }) coordinates!: CoordinatesDto;
}

export class WeeklyAvailabilityDto implements WeeklyAvailability {
  @ApiProperty({ enum: WEEKDAYS }) day!: Weekday;
  @ApiProperty(TIME) from!: string;
  @ApiProperty(TIME) until!: string;
}

export class AvailabilityExceptionDto implements AvailabilityException {
  @ApiProperty({ enum: ['unavailable', 'available'] }) kind!: 'unavailable' | 'available';
  @ApiProperty(INSTANT) from!: string;
  @ApiProperty(INSTANT) until!: string;
  @ApiProperty() reason!: string;
}

export class ItineraryChannelDto {
  @ApiProperty({ enum: ['slack', 'sms', 'email'] }) kind!: ItineraryChannel['kind'];
  @ApiProperty({ required: false, description: 'kind slack' }) slackUserId?: string;
  @ApiProperty({ required: false, description: 'kind sms, E.164' }) phoneE164?: string;
  @ApiProperty({ required: false, description: 'kind email' }) email?: string;
}

export class QuietTimeDto implements QuietTime {
  @ApiProperty({ enum: WEEKDAYS, isArray: true }) days!: Weekday[];
  @ApiProperty({ ...TIME, description: 'From > until wraps past midnight' }) from!: string;
  @ApiProperty(TIME) until!: string;
}

export class DeliveryPreferencesDto implements DeliveryPreferences {
  @ApiProperty({ type: ItineraryChannelDto }) channel!: ItineraryChannel;
  @ApiProperty({ type: [QuietTimeDto] }) quietTimes!: QuietTimeDto[];
  @ApiProperty({ description: 'IANA time zone of the quiet times' }) timeZone!: string;
}

export class RosterProviderDto implements RosterProvider {
  @ApiProperty() tenantId!: string;
  @ApiProperty() providerId!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: [String] }) credentials!: string[];
  @ApiProperty({ type: HomeBaseDto }) homeBase!: HomeBaseDto;
  @ApiProperty({ type: [String] }) clinicIds!: string[];
  @ApiProperty({ type: [WeeklyAvailabilityDto] }) weeklyAvailability!: WeeklyAvailabilityDto[];
  @ApiProperty({ type: [AvailabilityExceptionDto] })
  availabilityExceptions!: AvailabilityExceptionDto[];
  @ApiProperty() maxHoursPerDay!: number;
  @ApiProperty() maxHoursPerWeek!: number;
  @ApiProperty({ type: DeliveryPreferencesDto }) delivery!: DeliveryPreferencesDto;
  @ApiProperty() active!: boolean;
}

export class ProvidersImportedDto {
  @ApiProperty({ description: 'Rows imported (all rows or none)' }) imported!: number;
}

export class AppointmentTypeRuleDto implements AppointmentTypeRuleEntity {
  @ApiProperty() tenantId!: string;
  @ApiProperty() typeCode!: string;
  @ApiProperty({ type: [String] }) requiredCredentials!: string[];
  @ApiProperty({ enum: VISIT_MODES }) visitMode!: VisitMode;
  @ApiProperty() defaultDurationMinutes!: number;
  @ApiProperty() priority!: number;
  @ApiProperty({ type: String, ...INSTANT }) updatedAt!: Date;
}

export class OpeningHoursDto implements OpeningHours {
  @ApiProperty({ enum: WEEKDAYS, isArray: true }) days!: Weekday[];
  @ApiProperty(TIME) from!: string;
  @ApiProperty(TIME) until!: string;
}

export class ClinicBlockDto implements ClinicBlock {
  @ApiProperty({ example: 'AM' }) name!: string;
  @ApiProperty(TIME) from!: string;
  @ApiProperty(TIME) until!: string;
}

export class ClinicDto implements ClinicEntity {
  @ApiProperty() tenantId!: string;
  @ApiProperty() clinicId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() address!: string;
  @ApiProperty({ type: CoordinatesDto }) coordinates!: CoordinatesDto;
  @ApiProperty({ type: [String], description: 'Scheduling location ids held at this clinic' })
  locationIds!: string[];
  @ApiProperty({ type: [OpeningHoursDto] }) openingHours!: OpeningHoursDto[];
  @ApiProperty({ type: [ClinicBlockDto] }) blocks!: ClinicBlockDto[];
  @ApiProperty({ type: String, ...INSTANT }) updatedAt!: Date;
}

export class TenantSettingsDto implements TenantSettingsView {
  @ApiProperty() tenantId!: string;
  @ApiProperty({ description: 'IANA time zone of the practice' }) timeZone!: string;
  @ApiProperty({ enum: WEEKDAYS }) weeklyRunDay!: Weekday;
  @ApiProperty(TIME) weeklyRunTime!: string;
  @ApiProperty({ enum: WEEKDAYS, isArray: true }) weeklyPlanDays!: Weekday[];
  @ApiProperty({ type: String, nullable: true, ...TIME }) nightlyRunTime!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    ...TIME,
    description: 'Local time of the daily roster import from the EHR; null = off',
  })
  rosterImportTime!: string | null;
  @ApiProperty() mapsMonthlyElementBudget!: number;
  @ApiProperty({
    description:
      "Plan assignments that change a visit's practitioner are written back to the EHR through ehr-gateway (default false)",
  })
  ehrWriteBack!: boolean;
  @ApiProperty({ type: String, ...INSTANT }) updatedAt!: Date;
  @ApiProperty({ description: 'Whether a Maps key is stored (the key itself is never returned)' })
  mapsApiKeySet!: boolean;
}

// --- plans ------------------------------------------------------------------------------------

export class PlanHorizonDto implements PlanHorizon {
  @ApiProperty(INSTANT) from!: string;
  @ApiProperty(INSTANT) until!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: [String], ...DAY }) days!: string[];
}

export class StopAddressDto implements StopAddress {
  @ApiProperty() line!: string;
  @ApiProperty({ type: CoordinatesDto }) coordinates!: CoordinatesDto;
}

export class PlanStopDto implements PlanStop {
  @ApiProperty({ format: 'uuid' }) appointmentId!: string;
  @ApiProperty({ description: 'Minimum necessary: given name and family initial' })
  patientDisplayName!: string;
  @ApiProperty({ type: StopAddressDto }) address!: StopAddressDto;
  @ApiProperty() visitType!: string;
  @ApiProperty({ enum: VISIT_MODES }) visitMode!: VisitMode;
  @ApiProperty({ type: String, nullable: true }) clinicId!: string | null;
  @ApiProperty(INSTANT) arrival!: string;
  @ApiProperty(INSTANT) start!: string;
  @ApiProperty(INSTANT) end!: string;
  @ApiProperty() travelSecondsFromPrevious!: number;
  @ApiProperty() travelMetersFromPrevious!: number;
  @ApiProperty({ description: 'Started before the re-plan froze: provider and start fixed' })
  frozen!: boolean;
}

export class ClinicSessionDto implements ClinicSession {
  @ApiProperty() clinicId!: string;
  @ApiProperty() clinicName!: string;
  @ApiProperty({ example: 'AM' }) block!: string;
  @ApiProperty(INSTANT) start!: string;
  @ApiProperty(INSTANT) end!: string;
  @ApiProperty({ type: [String] }) appointmentIds!: string[];
}

export class ProviderDayTotalsDto implements ProviderDayTotals {
  @ApiProperty() visits!: number;
  @ApiProperty() driveSeconds!: number;
  @ApiProperty() driveMeters!: number;
  @ApiProperty() workingSeconds!: number;
  @ApiProperty() overtimeSeconds!: number;
}

export class ProviderDayPlanDto implements ProviderDayPlan {
  @ApiProperty() providerId!: string;
  @ApiProperty(DAY) day!: string;
  @ApiProperty(INSTANT) departure!: string;
  @ApiProperty(INSTANT) returnArrival!: string;
  @ApiProperty({ type: StopAddressDto }) startAddress!: StopAddressDto;
  @ApiProperty({ type: StopAddressDto }) endAddress!: StopAddressDto;
  @ApiProperty({ type: [PlanStopDto] }) stops!: PlanStopDto[];
  @ApiProperty() travelSecondsToEnd!: number;
  @ApiProperty({ type: [ClinicSessionDto] }) clinicSessions!: ClinicSessionDto[];
  @ApiProperty({ type: ProviderDayTotalsDto }) totals!: ProviderDayTotalsDto;
}

export class SolverStatisticsDto implements SolverStatistics {
  @ApiProperty() solver!: string;
  @ApiProperty() seed!: number;
  @ApiProperty() threads!: number;
  @ApiProperty() iterations!: number;
  @ApiProperty() elapsedMs!: number;
  @ApiProperty() bestFoundAtIteration!: number;
  @ApiProperty() bestFoundAtMs!: number;
  @ApiProperty({ enum: ['time-limit', 'iteration-limit', 'optimal', 'no-work'] })
  stopReason!: SolverStatistics['stopReason'];
  @ApiProperty() initialCost!: number;
}

export class PlanSolverSummaryDto implements PlanSolverSummary {
  @ApiProperty({ type: SolverStatisticsDto }) statistics!: SolverStatisticsDto;
  @ApiProperty({ enum: [0], description: 'Plans that fail the checker are never stored' })
  checkerViolations!: 0;
}

export class ObjectiveBreakdownDto implements ObjectiveBreakdown {
  @ApiProperty({ enum: ['practice', 'distance'] }) mode!: ObjectiveBreakdown['mode'];
  @ApiProperty() servedCount!: number;
  @ApiProperty() unservedCount!: number;
  @ApiProperty() servedPriority!: number;
  @ApiProperty() unservedPriority!: number;
  @ApiProperty() travelSeconds!: number;
  @ApiProperty() travelMeters!: number;
  @ApiProperty() overtimeSeconds!: number;
  @ApiProperty() preferenceViolations!: number;
  @ApiProperty() changedAssignments!: number;
  @ApiProperty() cost!: number;
}

export class PlanTravelTimeSourceDto implements PlanTravelTimeSource {
  @ApiProperty({ enum: ['google-maps', 'great-circle'] }) source!: PlanTravelTimeSource['source'];
  @ApiProperty() fallback!: boolean;
  @ApiProperty({
    type: String,
    enum: ['maps-unavailable', 'budget-exhausted', 'no-api-key'],
    nullable: true,
  })
  fallbackReason!: PlanTravelTimeSource['fallbackReason'];
  @ApiProperty() estimatedPairs!: number;
  @ApiProperty() cacheHits!: number;
  @ApiProperty() cacheMisses!: number;
  @ApiProperty() billedElements!: number;
}

export class UnservedPlanAppointmentDto implements UnservedPlanAppointment {
  @ApiProperty({ format: 'uuid' }) appointmentId!: string;
  @ApiProperty() patientDisplayName!: string;
  @ApiProperty() visitType!: string;
  @ApiProperty({ enum: VISIT_MODES }) visitMode!: VisitMode;
  @ApiProperty(INSTANT) requestedStart!: string;
  @ApiProperty({ description: "An optimizer reason or dispatch's own, e.g. ADDRESS_NOT_GEOCODED" })
  reason!: PlanUnservedReason;
  @ApiProperty({ type: String, nullable: true }) previousProviderId!: string | null;
}

export class PlanChangeCauseDto {
  @ApiProperty({
    enum: ['appointment-added', 'appointment-moved', 'appointment-cancelled', 'call-out'],
  })
  kind!: PlanChangeCause['kind'];
  @ApiProperty({ required: false, description: 'appointment-* kinds' }) appointmentId?: string;
  @ApiProperty({ required: false, description: 'call-out' }) callOutId?: string;
  @ApiProperty({ required: false, description: 'call-out' }) providerId?: string;
}

export class PlanVersionDto implements PlanVersion {
  @ApiProperty() tenantId!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty({ description: '1 for the run, +1 per re-plan' }) version!: number;
  @ApiProperty({ enum: PLAN_KINDS }) kind!: PlanKind;
  @ApiProperty({ type: PlanHorizonDto }) horizon!: PlanHorizonDto;
  @ApiProperty(INSTANT) createdAt!: string;
  @ApiProperty({ type: Number, nullable: true }) basedOnVersion!: number | null;
  @ApiProperty({ type: PlanChangeCauseDto, nullable: true }) cause!: PlanChangeCause | null;
  @ApiProperty({ type: String, nullable: true, ...INSTANT }) freezeTime!: string | null;
  @ApiProperty({ type: PlanSolverSummaryDto }) solver!: PlanSolverSummaryDto;
  @ApiProperty({ type: ObjectiveBreakdownDto }) objective!: ObjectiveBreakdownDto;
  @ApiProperty({ type: PlanTravelTimeSourceDto }) travel!: PlanTravelTimeSourceDto;
  @ApiProperty({ type: [ProviderDayPlanDto] }) providerDays!: ProviderDayPlanDto[];
  @ApiProperty({ type: [UnservedPlanAppointmentDto] }) unserved!: UnservedPlanAppointmentDto[];
}

// --- exceptions and call-outs ------------------------------------------------------------------

export class DispatchExceptionDto implements DispatchException {
  @ApiProperty({ format: 'uuid' }) exceptionId!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty({ enum: DISPATCH_EXCEPTION_KINDS }) kind!: DispatchExceptionKind;
  @ApiProperty({ example: 'NO_CREDENTIALED_PROVIDER' }) reason!: string;
  @ApiProperty({ type: String, nullable: true }) planId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) planVersion!: number | null;
  @ApiProperty({ type: String, nullable: true }) appointmentId!: string | null;
  @ApiProperty({ type: String, nullable: true }) providerId!: string | null;
  @ApiProperty() dedupeKey!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] },
    description: 'Small JSON for the coordinator view (no PHI beyond a display name)',
  })
  detail!: Record<string, string | number | boolean | null>;
  @ApiProperty({ enum: ['open', 'resolved'] }) status!: 'open' | 'resolved';
  @ApiProperty(INSTANT) createdAt!: string;
  @ApiProperty({ type: String, nullable: true, ...INSTANT }) resolvedAt!: string | null;
}

export class CallOutOutcomeDto implements CallOutOutcome {
  @ApiProperty({ format: 'uuid' }) callOutId!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty({ description: 'The plan version the re-plan produced' }) planVersion!: number;
  @ApiProperty({ type: [String] }) backupProviderIds!: string[];
  @ApiProperty({ type: [String] }) reassignedAppointmentIds!: string[];
  @ApiProperty({ type: [String] }) rescheduleNeededAppointmentIds!: string[];
}

export class SlashCommandReplyDto {
  @ApiProperty({ enum: ['ephemeral'] }) response_type!: 'ephemeral';
  @ApiProperty({ description: 'Shown only to the provider who called out' }) text!: string;
}

// --- roster import ------------------------------------------------------------------------------

export class QualificationMappingDto implements QualificationMapping {
  @ApiProperty({ description: 'Empty matches the code in any coding system' }) system!: string;
  @ApiProperty() code!: string;
  @ApiProperty({ type: [String] }) credentials!: string[];
}

export class RosterImportMappingDto implements RosterImportMapping {
  @ApiProperty({ type: [QualificationMappingDto] }) qualifications!: QualificationMappingDto[];
  @ApiProperty({ type: [WeeklyAvailabilityDto] })
  defaultWeeklyAvailability!: WeeklyAvailabilityDto[];
  @ApiProperty() maxHoursPerDay!: number;
  @ApiProperty() maxHoursPerWeek!: number;
}

export class RosterImportWarningDto {
  @ApiProperty({
    enum: [
      'UNMAPPED_QUALIFICATION',
      'UNMAPPED_LOCATION',
      'NO_CREDENTIAL',
      'NO_CLINIC',
      'NO_CHANNEL',
      'INVALID_ID',
      'ID_TAKEN',
      'KEPT_STAFF_EDIT',
    ],
  })
  code!: RosterImportWarning['code'];
  @ApiProperty({ description: "The EHR's Practitioner id" }) practitionerId!: string;
  @ApiProperty({ required: false, description: 'UNMAPPED_QUALIFICATION' }) system?: string;
  @ApiProperty({ required: false, description: 'UNMAPPED_QUALIFICATION' }) qualification?: string;
  @ApiProperty({ required: false, description: 'UNMAPPED_LOCATION' }) locationId?: string;
  @ApiProperty({ required: false, description: 'KEPT_STAFF_EDIT' }) providerId?: string;
  @ApiProperty({
    required: false,
    enum: ['displayName', 'credentials', 'clinicIds', 'weeklyAvailability', 'active'],
    description: 'KEPT_STAFF_EDIT',
  })
  field?: string;
}

export class RosterImportSummaryDto implements RosterImportSummary {
  @ApiProperty() practitioners!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() skipped!: number;
  @ApiProperty({ type: [RosterImportWarningDto] }) warnings!: RosterImportWarning[];
}

export class RosterImportDto implements RosterImportView {
  @ApiProperty({ format: 'uuid' }) importId!: string;
  @ApiProperty({ enum: ['requested', 'completed', 'failed'] }) status!: RosterImportView['status'];
  @ApiProperty({ type: String, ...INSTANT }) requestedAt!: Date;
  @ApiProperty({ type: String, nullable: true, ...INSTANT }) completedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) failureReason!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    ...DAY,
    description: 'Local day of a scheduled import; null for one requested through the API',
  })
  scheduledFor!: string | null;
  @ApiProperty({ type: RosterImportSummaryDto, nullable: true })
  summary!: RosterImportSummaryDto | null;
}
