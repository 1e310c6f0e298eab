import { type DynamicModule, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Topics } from '@caredispatch/contracts';
import { KafkaModule, KafkaRuntime, kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import {
  buildDataSourceOptions,
  consumerRetryFrom,
  HealthModule,
  ReadinessRegistry,
  ServiceConfigModule,
} from '@caredispatch/platform';

import { type MessagingConfig } from './config';
import { ConfirmationModule } from './confirmation/confirmation.module';
import { AppointmentRevisionEntity } from './message/appointment-revision.entity';
import { MessageEntity } from './message/message.entity';
import { CreateMessagingSchema1795747878715 } from './migrations/1795747878715-CreateMessagingSchema';
import { SenderLoop } from './sending/sender-loop';
import { SendingModule } from './sending/sending.module';
import { TwilioStatusModule } from './twilio-status/twilio-status.module';

@Injectable()
class MessagingReadiness implements OnModuleInit {
  constructor(
    private readonly registry: ReadinessRegistry,
    private readonly kafka: KafkaRuntime,
    private readonly sender: SenderLoop,
  ) {}

  onModuleInit(): void {
    this.registry.register('kafka', () => this.kafka.isReady());
    this.registry.register('sender', () => this.sender.isReady());
  }
}

@Module({})
export class AppModule {
  static forRoot(config: MessagingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          buildDataSourceOptions({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            entities: [...kafkaEntities, MessageEntity, AppointmentRevisionEntity],
            migrations: [...kafkaMigrations, CreateMessagingSchema1795747878715],
            applicationName: 'messaging',
          }),
        ),
        HealthModule,
        KafkaModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? 'messaging',
          brokers: config.KAFKA_BROKERS,
          serviceName: 'messaging',
          consumer: {
            groupId: config.KAFKA_CONSUMER_GROUP,
            fromBeginning: config.KAFKA_CONSUMER_FROM_BEGINNING,
            retry: consumerRetryFrom(config),
          },
          relay: config.OUTBOX_RELAY_ENABLED
            ? { pollIntervalMs: config.OUTBOX_RELAY_POLL_INTERVAL_MS }
            : false,
          topics: { ensure: [Topics.SchedulingAppointmentV1, Topics.MessagingMessageV1] },
        }),
        ConfirmationModule,
        SendingModule,
        TwilioStatusModule,
      ],
      providers: [MessagingReadiness],
    };
  }
}
