import { type PlanVersion } from '../plan/plan.model';

import { type ClaimedDelivery } from './itinerary-delivery.repository';

/** Issues the link an SMS itinerary carries (implemented by the itinerary page). */
export abstract class ItineraryLinkIssuer {
  /** The same link on every attempt of the delivery, so reconciliation can find the text. */
  abstract linkFor(claim: ClaimedDelivery, plan: PlanVersion): Promise<string>;
}
