import { type AppointmentStatus } from '../appointment-transition';

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
