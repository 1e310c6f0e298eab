import { CoordinatorNoticeEntity } from '../escalation/coordinator-notice.entity';
import { CreateItineraryDelivery1797000000001 } from '../migrations/1797000000001-CreateItineraryDelivery';
import { CreateCoordinatorNotice1797000000002 } from '../migrations/1797000000002-CreateCoordinatorNotice';

import { ItineraryDeliveryEntity } from './itinerary-delivery.entity';

/** Delivery's and escalation's tables, for the service's entities.ts / migration list (in this order). */
export const deliveryEntities = [ItineraryDeliveryEntity, CoordinatorNoticeEntity];
export const deliveryMigrations = [
  CreateItineraryDelivery1797000000001,
  CreateCoordinatorNotice1797000000002,
];
