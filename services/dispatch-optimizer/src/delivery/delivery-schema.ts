import { CreateItineraryDelivery1796100000000 } from '../migrations/1796100000000-CreateItineraryDelivery';

import { ItineraryDeliveryEntity } from './itinerary-delivery.entity';

/** Delivery's tables, for the service's entities.ts / migration list (in this order). */
export const deliveryEntities = [ItineraryDeliveryEntity];
export const deliveryMigrations = [CreateItineraryDelivery1796100000000];
