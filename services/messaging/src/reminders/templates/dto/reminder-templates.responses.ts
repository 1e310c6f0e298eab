import { ApiProperty } from '@nestjs/swagger';

import { REMINDER_LANGUAGES, type ReminderLanguage } from '../../planning/cadence';

/*
 * The OpenAPI shape of the template overrides answer. TemplateOverride is a union by channel,
 * so the class spells out both members' fields.
 */

export class TemplateOverrideDto {
  @ApiProperty({ enum: ['sms', 'email'] }) channel!: 'sms' | 'email';
  @ApiProperty() appointmentType!: string;
  @ApiProperty({ enum: REMINDER_LANGUAGES }) language!: ReminderLanguage;
  @ApiProperty() name!: string;
  @ApiProperty({ required: false, description: 'sms: ICU MessageFormat text' }) body?: string;
  @ApiProperty({ required: false, description: 'email' }) subject?: string;
  @ApiProperty({ required: false, description: 'email: plain text part' }) text?: string;
  @ApiProperty({ required: false, description: 'email: HTML part' }) html?: string;
}

export class TemplateOverridesDto {
  @ApiProperty({ type: [TemplateOverrideDto] }) templates!: TemplateOverrideDto[];
}
