import { CreateMessagingSchema1795747878715 } from './1795747878715-CreateMessagingSchema';
import { GuardMessageDispatch1795900000000 } from './1795900000000-GuardMessageDispatch';
import { AllowScrubbedMessages1795900000001 } from './1795900000001-AllowScrubbedMessages';

/** Every messaging migration, in order: the service and its tests run the same list. */
export const messagingMigrations = [
  CreateMessagingSchema1795747878715,
  GuardMessageDispatch1795900000000,
  AllowScrubbedMessages1795900000001,
];
