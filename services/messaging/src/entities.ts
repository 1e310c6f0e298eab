import { type ServiceDatabase } from '@caredispatch/platform';

import { ConsentEntity } from './consent/consent.entity';
import { UndeliverableNumberEntity } from './fallback/undeliverable-number.entity';
import { InboundMessageEntity } from './inbound/inbound-message.entity';
import { EhrFreeSlotEntity, EhrSlotSnapshotEntity } from './links/ehr-free-slot.entity';
import { LinkAppointmentEntity } from './links/link-appointment.entity';
import { LINK_PHI_COLUMNS } from './links/link-phi';
import { PatientLinkEntity } from './links/patient-link.entity';
import { PatientResponseEntity } from './links/patient-response.entity';
import { StaffInboxEntryEntity } from './links/staff-inbox-entry.entity';
import { AppointmentRevisionEntity } from './message/appointment-revision.entity';
import { EarlyStatusCallbackEntity } from './message/early-status-callback.entity';
import { MESSAGE_PHI_COLUMNS } from './message/message-phi';
import { MessageEntity } from './message/message.entity';
import { CreateMessagingSchema1795747878715 } from './migrations/1795747878715-CreateMessagingSchema';
import { GuardMessageDispatch1795900000000 } from './migrations/1795900000000-GuardMessageDispatch';
import { AllowScrubbedMessages1795900000001 } from './migrations/1795900000001-AllowScrubbedMessages';
import { TolerateProviderListLag1795900000002 } from './migrations/1795900000002-TolerateProviderListLag';
import { ScheduleReminders1795900000003 } from './migrations/1795900000003-ScheduleReminders';
import { TwoWaySmsAndConsent1795900000004 } from './migrations/1795900000004-TwoWaySmsAndConsent';
import { StoreReminderSettings1795900000005 } from './migrations/1795900000005-StoreReminderSettings';
import { IsolateMessagingTenants1796000000000 } from './migrations/1796000000000-IsolateMessagingTenants';
import { IsolateRepliesAndConsent1796000000001 } from './migrations/1796000000001-IsolateRepliesAndConsent';
import { CreatePatientLinks1796100000000 } from './migrations/1796100000000-CreatePatientLinks';
import { IsolatePatientLinks1796100000001 } from './migrations/1796100000001-IsolatePatientLinks';
import { EmailRemindersAndFallback1796200000000 } from './migrations/1796200000000-EmailRemindersAndFallback';
import { TextWaitlistOffers1796600000000 } from './migrations/1796600000000-TextWaitlistOffers';
import { RememberPatientLanguage1798100000000 } from './migrations/1798100000000-RememberPatientLanguage';
import { StoreReminderTemplateOverrides1798100000001 } from './migrations/1798100000001-StoreReminderTemplateOverrides';
import { MatchSlotsByProviderOrLocation1798200000000 } from './migrations/1798200000000-MatchSlotsByProviderOrLocation';
import { LinkWaitlistOffers1799100000000 } from './migrations/1799100000000-LinkWaitlistOffers';
import { TextRescheduleNeeded1799600000000 } from './migrations/1799600000000-TextRescheduleNeeded';
import { ExpirePendingRescheduleTexts1800400000002 } from './migrations/1800400000002-ExpirePendingRescheduleTexts';
import { ReminderSettingsEntity } from './reminders/settings/reminder-settings.entity';
import { ReminderTemplateOverrideEntity } from './reminders/templates/reminder-template-override.entity';
import { RescheduleTextEntity } from './reschedule-texts/reschedule-text.entity';
import { WaitlistOfferTextEntity } from './waitlist-offers/waitlist-offer-text.entity';

/** The service's own tables; the outbox and inbox come with ServiceInfrastructureModule. */
export const messagingEntities = [
  MessageEntity,
  AppointmentRevisionEntity,
  EarlyStatusCallbackEntity,
  ConsentEntity,
  InboundMessageEntity,
  ReminderSettingsEntity,
  PatientLinkEntity,
  LinkAppointmentEntity,
  PatientResponseEntity,
  StaffInboxEntryEntity,
  EhrFreeSlotEntity,
  EhrSlotSnapshotEntity,
  WaitlistOfferTextEntity,
  UndeliverableNumberEntity,
  ReminderTemplateOverrideEntity,
  RescheduleTextEntity,
];

/** In order: the service and its tests run the same list. */
export const messagingMigrations = [
  CreateMessagingSchema1795747878715,
  GuardMessageDispatch1795900000000,
  AllowScrubbedMessages1795900000001,
  TolerateProviderListLag1795900000002,
  ScheduleReminders1795900000003,
  TwoWaySmsAndConsent1795900000004,
  StoreReminderSettings1795900000005,
  IsolateMessagingTenants1796000000000,
  IsolateRepliesAndConsent1796000000001,
  CreatePatientLinks1796100000000,
  IsolatePatientLinks1796100000001,
  TextWaitlistOffers1796600000000,
  EmailRemindersAndFallback1796200000000,
  RememberPatientLanguage1798100000000,
  StoreReminderTemplateOverrides1798100000001,
  MatchSlotsByProviderOrLocation1798200000000,
  LinkWaitlistOffers1799100000000,
  TextRescheduleNeeded1799600000000,
  ExpirePendingRescheduleTexts1800400000002,
];

/** What the migrate step builds and the runtime role may use. */
export const messagingDatabase: ServiceDatabase = {
  entities: messagingEntities,
  migrations: messagingMigrations,
  produces: true,
  consumes: true,
  phi: { columns: [...MESSAGE_PHI_COLUMNS, ...LINK_PHI_COLUMNS] },
};
