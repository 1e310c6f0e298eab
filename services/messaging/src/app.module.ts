import { type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { ReadinessRegistry, ServiceInfrastructureModule } from '@caredispatch/platform';

import { type MessagingConfig } from './config';
import { ConfirmationModule } from './confirmation/confirmation.module';
import { messagingDatabase } from './entities';
import { InboundModule } from './inbound/inbound.module';
import { LinksModule } from './links/links.module';
import { PatientMessagesModule } from './patient-messages/patient-messages.module';
import { RescheduleTextsModule } from './reschedule-texts/reschedule-texts.module';
import { RetentionModule } from './retention/retention.module';
import { SenderLoop } from './sending/sender-loop';
import { SendingModule } from './sending/sending.module';
import { TwilioStatusModule } from './twilio-status/twilio-status.module';
import { WaitlistOffersModule } from './waitlist-offers/waitlist-offers.module';

@Injectable()
class SenderReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly sender: SenderLoop,
  ) {}

  onModuleInit(): void {
    this.registry.register('sender', () => this.sender.isReady());
  }
}

@Module({})
export class AppModule {
  static forRoot(config: MessagingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: 'messaging',
          database: messagingDatabase,
          consumer: { fromBeginning: config.KAFKA_CONSUMER_FROM_BEGINNING },
          topics: [
            Topics.SchedulingAppointmentV1,
            Topics.MessagingMessageV1,
            Topics.MessagingPatientResponseV1,
            Topics.MessagingReminderV1,
            Topics.MessagingConsentV1,
            Topics.MessagingStaffInboxV1,
            Topics.AuditPhiAccessV1,
            Topics.EhrSlotV1,
            Topics.EhrWriteBackV1,
            Topics.WaitlistSlotV1,
            Topics.DispatchRescheduleV1,
          ],
        }),
        ConfirmationModule,
        SendingModule,
        TwilioStatusModule,
        InboundModule,
        PatientMessagesModule,
        RetentionModule,
        LinksModule,
        WaitlistOffersModule,
        RescheduleTextsModule,
      ],
      providers: [SenderReadiness],
    };
  }
}
