import { ApiProperty } from '@nestjs/swagger';

import { type EntryView } from '../entries/waitlist-entry.service';
import { type WeeklyFillMetrics } from '../metrics/waitlist-metrics.service';
import {
  type RankingExplanation,
  type TimeOfDayWindow,
  type Urgency,
} from '../ranking/waitlist-ranking';
import { type SlotView } from '../slots/freed-slot-query.service';

/*
 * The OpenAPI shapes of the waitlist's JSON answers. Each class `implements` the type its route
 * returns, so a field added to an answer without its documentation fails to compile.
 */

const ENTRY_STATUSES = ['open', 'booked', 'withdrawn', 'expired'] as const;
const URGENCIES = ['routine', 'soon', 'urgent'] as const;

export class TimeOfDayWindowDto implements TimeOfDayWindow {
  @ApiProperty({ example: '08:00' }) from!: string;
  @ApiProperty({ example: '12:00', description: 'Exclusive' }) until!: string;
}

export class WaitlistEntryDto implements EntryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The patient's FHIR Patient id in the practice's EHR (books an accepted offer there)",
  })
  ehrPatientId!: string | null;
  @ApiProperty() appointmentTypeCode!: string;
  @ApiProperty({ enum: ENTRY_STATUSES }) status!: EntryView['status'];
  @ApiProperty({ enum: URGENCIES }) urgency!: Urgency;
  @ApiProperty({ format: 'date' }) earliestDate!: string;
  @ApiProperty({ format: 'date' }) latestDate!: string;
  @ApiProperty({ type: [String] }) providerIds!: string[];
  @ApiProperty({ type: [String] }) locationIds!: string[];
  @ApiProperty({ type: [Number], description: 'ISO weekdays, 1 = Monday' }) weekdays!: number[];
  @ApiProperty({ type: [TimeOfDayWindowDto] }) timesOfDay!: TimeOfDayWindowDto[];
  @ApiProperty({ type: [String], enum: ['sms', 'email'] }) channels!: string[];
  @ApiProperty() declines!: number;
  @ApiProperty({ format: 'date-time' }) waitingSince!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The visit the patient keeps while asking for an earlier time (scheduling's appointment id): a fill moves it, booked by staff; null for entries staff made",
  })
  replacesAppointmentId!: string | null;
}

export class AddedWaitlistEntryDto extends WaitlistEntryDto {
  @ApiProperty({ description: "True when merged into the patient's open entry (status 200)" })
  merged!: boolean;
}

export class RankingExplanationDto implements RankingExplanation {
  @ApiProperty({ enum: URGENCIES }) urgency!: Urgency;
  @ApiProperty() daysWaited!: number;
  @ApiProperty() waitPoints!: number;
  @ApiProperty() fitPoints!: number;
  @ApiProperty({ type: [String] }) fitReasons!: string[];
  @ApiProperty({ type: Number, nullable: true }) distanceKm!: number | null;
  @ApiProperty() distancePenalty!: number;
  @ApiProperty() declinePenalty!: number;
  @ApiProperty() score!: number;
}

type SlotOffer = SlotView['offers'][number];

export class SlotOfferDto implements SlotOffer {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) entryId!: string;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty() wave!: number;
  @ApiProperty() rank!: number;
  @ApiProperty({ enum: ['open', 'accepted', 'declined', 'expired', 'withdrawn', 'too_late'] })
  status!: SlotOffer['status'];
  @ApiProperty({ format: 'date-time' }) holdUntil!: string;
  @ApiProperty({ type: RankingExplanationDto }) why!: RankingExplanationDto;
}

export class FreedSlotDto implements SlotView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['offering', 'filled', 'filled_by_staff', 'escalated', 'expired'] })
  status!: SlotView['status'];
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ format: 'date-time' }) end!: string;
  @ApiProperty() appointmentTypeCode!: string;
  @ApiProperty() providerId!: string;
  @ApiProperty() locationId!: string;
  @ApiProperty() waves!: number;
  @ApiProperty({ type: String, nullable: true }) escalationReason!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) filledEntryId!: string | null;
  @ApiProperty({ type: [SlotOfferDto] }) offers!: SlotOfferDto[];
}

export class AcceptOutcomeDto {
  @ApiProperty({ enum: ['accepted', 'already-accepted'] }) outcome!:
    'accepted' | 'already-accepted';
}

export class DeclineOutcomeDto {
  @ApiProperty({ enum: ['declined'] }) outcome!: 'declined';
}

export class WeeklyFillMetricsDto implements WeeklyFillMetrics {
  @ApiProperty({ format: 'date', description: 'Monday of the ISO week (UTC)' }) week!: string;
  @ApiProperty() slotsFreed!: number;
  @ApiProperty() filledFromWaitlist!: number;
  @ApiProperty() fillRate!: number;
  @ApiProperty({ type: Number, nullable: true }) medianMinutesToFill!: number | null;
  @ApiProperty({ type: Number, nullable: true }) offersPerFill!: number | null;
  @ApiProperty() escalations!: number;
}
