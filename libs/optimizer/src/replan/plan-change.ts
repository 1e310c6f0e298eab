import type { Appointment } from '../model';

/** Something that happened to a plan. Times are in the problem's seconds. */
export type PlanChange =
  | {
      readonly kind: 'provider-unavailable';
      readonly providerId: string;
      readonly from: number;
      /**
       * Back at this time. Omitted: unavailable for the rest of the horizon — on a week plan that drops every later
       * shift too, so a "sick today" call-out should pass the end of the day. A gap inside one shift cuts the shift at
       * `from` (one availability window is one itinerary; the provider is not sent out twice).
       */
      readonly until?: number;
    }
  | { readonly kind: 'appointment-added'; readonly appointment: Appointment }
  | { readonly kind: 'appointment-cancelled'; readonly appointmentId: string };
