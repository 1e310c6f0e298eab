import { ApiProperty } from '@nestjs/swagger';

import {
  type ConsentResponse,
  type MessageSummaryResponse,
  type PatientMessagesResponse,
  type ReminderPlanResponse,
  type ReplyResponse,
} from './patient-messages.response';

/*
 * The OpenAPI shapes of the staff read API. Each class `implements` the response type, so a
 * field added to an answer without its documentation fails to compile.
 */

export class MessageSummaryDto implements MessageSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() appointmentId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty() purpose!: string;
  @ApiProperty() channel!: string;
  @ApiProperty({ description: "The cadence step of a reminder; '' otherwise" }) step!: string;
  @ApiProperty() state!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) errorCode!: string | null;
}

export class ConsentDto implements ConsentResponse {
  @ApiProperty() channel!: string;
  @ApiProperty() state!: string;
  @ApiProperty({ format: 'date-time' }) changedAt!: string;
  @ApiProperty() source!: string;
  @ApiProperty() evidenceId!: string;
}

export class ReplyDto implements ReplyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: String, nullable: true }) appointmentId!: string | null;
  @ApiProperty({ type: String, nullable: true }) answeredMessageId!: string | null;
  @ApiProperty() intent!: string;
  @ApiProperty({ type: String, nullable: true }) text!: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

export class PatientMessagesDto implements PatientMessagesResponse {
  @ApiProperty() patientId!: string;
  @ApiProperty({ type: [ConsentDto] }) consent!: ConsentDto[];
  @ApiProperty({ type: [MessageSummaryDto] }) messages!: MessageSummaryDto[];
  @ApiProperty({ type: [ReplyDto] }) replies!: ReplyDto[];
}

export class ReminderPlanDto implements ReminderPlanResponse {
  @ApiProperty() appointmentId!: string;
  @ApiProperty({ type: [MessageSummaryDto] }) steps!: MessageSummaryDto[];
}
