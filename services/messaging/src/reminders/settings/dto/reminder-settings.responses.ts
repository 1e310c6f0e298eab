import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';

import {
  type Cadence,
  type CadenceStep,
  REMINDER_LANGUAGES,
  type ReminderChannel,
  type ReminderLanguage,
  type SlotCondition,
  type StepTiming,
} from '../../planning/cadence';
import {
  type AppointmentTypeMapping,
  type ReminderSettings,
} from '../../planning/cadence-settings';
import { type ReminderLimits } from '../../planning/reminder-plan';
import { type SettingsSource } from '../reminder-settings.repository';
import { type PreviewStep } from '../reminder-settings.service';

/*
 * The OpenAPI shapes of the reminder settings answers. Each class `implements` the type its
 * route returns, so a field added to an answer without its documentation fails to compile. A
 * union (a step's timing) keeps its own type on the field and is documented by a class that
 * spells out its members' fields.
 */

const CHANNELS: readonly ReminderChannel[] = ['sms', 'email'];
const SOURCES: readonly SettingsSource[] = ['stored', 'environment', 'playbook'];

export class ReminderLimitsDto implements ReminderLimits {
  @ApiProperty() smsPerDay!: number;
  @ApiProperty({ description: 'In any 7 consecutive local calendar days' }) smsPerWeek!: number;
}

export class AppointmentTypeMappingDto implements AppointmentTypeMapping {
  @ApiProperty({ required: false, description: 'Coding system; absent matches any system' })
  system?: string;
  @ApiProperty() code!: string;
  @ApiProperty({ description: 'Name of a cadence in `cadences`' }) cadence!: string;
}

export class StepTimingDto {
  @ApiProperty({ enum: ['before', 'local-time'] }) kind!: 'before' | 'local-time';
  @ApiProperty({ required: false, description: '`before`: minutes before the start' })
  minutes?: number;
  @ApiProperty({ required: false, description: '`local-time`: days before the visit date' })
  daysBefore?: number;
  @ApiProperty({ required: false, example: '07:30', description: '`local-time`: HH:mm' })
  time?: string;
}

export class SlotConditionDto implements SlotCondition {
  @ApiProperty({ type: [Number], required: false, description: 'ISO weekdays, 1 = Monday' })
  weekdays?: number[];
  @ApiProperty({ required: false, example: '10:00' }) startsBefore?: string;
}

export class CadenceStepDto implements CadenceStep {
  @ApiProperty() key!: string;
  @ApiProperty({ enum: CHANNELS }) channel!: ReminderChannel;
  @ApiProperty({ type: StepTimingDto }) timing!: StepTiming;
  @ApiProperty() template!: string;
  @ApiProperty({ type: SlotConditionDto, required: false }) onlyWhen?: SlotConditionDto;
}

export class CadenceDto implements Cadence {
  @ApiProperty({ type: [CadenceStepDto] }) steps!: CadenceStepDto[];
}

@ApiExtraModels(CadenceDto)
export class ReminderSettingsDto implements ReminderSettings {
  @ApiProperty({ type: ReminderLimitsDto }) limits!: ReminderLimitsDto;
  @ApiProperty({ type: [AppointmentTypeMappingDto] }) typeMappings!: AppointmentTypeMappingDto[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(CadenceDto) },
    description: 'Cadence name → steps; unmatched visits use `default`',
  })
  cadences!: Record<string, CadenceDto>;
  @ApiProperty({ enum: REMINDER_LANGUAGES, required: false }) defaultLanguage?: ReminderLanguage;
}

export class ReminderSettingsAnswerDto {
  @ApiProperty({ enum: SOURCES, description: 'Where the settings in force come from' })
  source!: string;
  @ApiProperty({ type: ReminderSettingsDto }) settings!: ReminderSettingsDto;
}

export class PreviewEmailDto {
  @ApiProperty() subject!: string;
  @ApiProperty() text!: string;
}

export class PreviewStepDto implements PreviewStep {
  @ApiProperty() step!: string;
  @ApiProperty() channel!: string;
  @ApiProperty({ enum: ['send', 'suppress'] }) outcome!: 'send' | 'suppress';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dueAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Sample text, no patient data' })
  text!: string | null;
  @ApiProperty({ type: PreviewEmailDto, nullable: true }) email!: PreviewEmailDto | null;
}

export class ReminderPreviewDto {
  @ApiProperty() cadence!: string;
  @ApiProperty({ type: [PreviewStepDto] }) steps!: PreviewStepDto[];
}
