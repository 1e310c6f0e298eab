import { Module } from '@nestjs/common';

import { SERVICE_CONFIG } from '@caredispatch/platform';

import { CallOutsModule } from '../call-outs/call-outs.module';
import { type DispatchOptimizerConfig } from '../config';
import { CoordinatorNoticeRepository } from '../escalation/coordinator-notice.repository';
import { CoordinatorNotifier } from '../escalation/coordinator-notifier.service';
import { ExceptionsModule } from '../exceptions/exceptions.module';
import { ItineraryPageModule } from '../itinerary-page/itinerary-page.module';
import { PlanModule } from '../plan/plan.module';
import { ROSTER_READER } from '../roster/roster-reader.token';
import { RosterModule } from '../roster/roster.module';
import { RosterRepository } from '../roster/roster.repository';
import { SlackClients } from '../slack/slack-clients';
import { SLACK_CALL_OUT_PORT } from '../slack-command/call-out.port';
import { RosterSlackCallOuts } from '../slack-command/roster-slack-call-outs';
import { SlackCommandController } from '../slack-command/slack-command.controller';

import { DeliveryLoop } from './delivery-loop';
import { EmailItineraryChannel } from './email-itinerary.channel';
import { ITINERARY_CHANNELS } from './itinerary-channel.port';
import { ItineraryDeliverer } from './itinerary-deliverer.service';
import { ItineraryDeliveryEvents } from './itinerary-delivery.events';
import { ItineraryDeliveryRepository } from './itinerary-delivery.repository';
import { PlanDeliveryConsumer } from './plan-delivery.consumer';
import { SlackItineraryChannel } from './slack-itinerary.channel';
import { SmsItineraryChannel } from './sms-itinerary.channel';

/** Itineraries to providers (Slack, SMS, email), notices to coordinators and the `/callout` slash command. */
@Module({
  imports: [RosterModule, PlanModule, ExceptionsModule, CallOutsModule, ItineraryPageModule],
  controllers: [SlackCommandController],
  // CLOCK comes from the global ClockModule: a local one would shadow it (CLOCK_START_AT).
  providers: [
    { provide: ROSTER_READER, useExisting: RosterRepository },
    {
      provide: SlackClients,
      inject: [SERVICE_CONFIG],
      useFactory: (config: DispatchOptimizerConfig) =>
        new SlackClients({
          apiUrl: config.SLACK_API_URL,
          botTokens: config.SLACK_BOT_TOKENS,
          timeoutMs: config.ITINERARY_DELIVERY_TIMEOUT_MS,
        }),
    },
    {
      provide: ITINERARY_CHANNELS,
      inject: [SlackClients, SERVICE_CONFIG],
      useFactory: (slack: SlackClients, config: DispatchOptimizerConfig) => [
        new SlackItineraryChannel(slack),
        new EmailItineraryChannel({
          smtpUrl: config.SMTP_URL,
          from: config.ITINERARY_EMAIL_FROM,
          timeoutMs: config.ITINERARY_DELIVERY_TIMEOUT_MS,
        }),
        new SmsItineraryChannel({
          accountSid: config.TWILIO_ACCOUNT_SID,
          authToken: config.TWILIO_AUTH_TOKEN,
          fromNumber: config.TWILIO_FROM_NUMBER,
          apiBaseUrl: config.TWILIO_API_BASE_URL,
          timeoutMs: config.ITINERARY_DELIVERY_TIMEOUT_MS,
        }),
      ],
    },
    { provide: SLACK_CALL_OUT_PORT, useClass: RosterSlackCallOuts },
    ItineraryDeliveryRepository,
    ItineraryDeliveryEvents,
    ItineraryDeliverer,
    CoordinatorNoticeRepository,
    CoordinatorNotifier,
    PlanDeliveryConsumer,
    DeliveryLoop,
  ],
  // Other causes of coordinator notices (waitlist escalations) queue theirs through it.
  exports: [CoordinatorNoticeRepository],
})
export class DeliveryModule {}
