import { ApiProperty } from '@nestjs/swagger';

import { AppointmentStatus } from '../appointment-transition';

/**
 * The read model of an appointment. Ids and instants only: names and phone numbers stay in
 * the system of record and reach patients through messaging, not through this endpoint.
 */
export interface AppointmentResponse {
  id: string;
  tenantId: string;
  ehrAppointmentId: string;
  ehrVersion: string;
  status: AppointmentStatus;
  revision: number;
  /** ISO-8601 UTC instants. */
  start: string;
  end: string;
  location: { id: string; timeZone: string };
  patientId: string;
  providerId: string | null;
  updatedAt: string;
}

class AppointmentLocationDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'IANA time zone' }) timeZone!: string;
}

/** The OpenAPI shape of AppointmentResponse (implements it: a new field must be documented). */
export class AppointmentResponseDto implements AppointmentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() tenantId!: string;
  @ApiProperty() ehrAppointmentId!: string;
  @ApiProperty() ehrVersion!: string;
  @ApiProperty({ enum: AppointmentStatus, enumName: 'AppointmentStatus' })
  status!: AppointmentStatus;
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ format: 'date-time' }) end!: string;
  @ApiProperty({ type: AppointmentLocationDto }) location!: AppointmentLocationDto;
  @ApiProperty({ format: 'uuid' }) patientId!: string;
  @ApiProperty({ type: String, nullable: true }) providerId!: string | null;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
