import { CoordinatorNoticeEntity } from '../escalation/coordinator-notice.entity';
import { CreateItineraryDelivery1796100000000 } from '../migrations/1796100000000-CreateItineraryDelivery';
import { CreateCoordinatorNotice1796100000001 } from '../migrations/1796100000001-CreateCoordinatorNotice';

import { ItineraryDeliveryEntity } from './itinerary-delivery.entity';

/** Delivery's and escalation's tables, for the service's entities.ts / migration list (in this order). */
export const deliveryEntities = [ItineraryDeliveryEntity, CoordinatorNoticeEntity];
export const deliveryMigrations = [
  CreateItineraryDelivery1796100000000,
  CreateCoordinatorNotice1796100000001,
];
