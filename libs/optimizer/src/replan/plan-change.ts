import type { Appointment } from '../model';

/** Something that happened to a plan. Times are in the problem's seconds. */
export type PlanChange =
  | { readonly kind: 'provider-unavailable'; readonly providerId: string; readonly from: number }
  | { readonly kind: 'appointment-added'; readonly appointment: Appointment }
  | { readonly kind: 'appointment-cancelled'; readonly appointmentId: string };
