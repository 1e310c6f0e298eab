import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Topics } from '@caredispatch/contracts';
import { KafkaModule, kafkaEntities, kafkaMigrations } from '@caredispatch/kafka';
import { buildDataSourceOptions, HealthModule, ServiceConfigModule } from '@caredispatch/platform';

import { type EhrGatewayConfig } from './config';
import { AppointmentStateEntity } from './ehr-webhook/appointment-state.entity';
import { EhrWebhookModule } from './ehr-webhook/ehr-webhook.module';
import { WebhookDeliveryEntity } from './ehr-webhook/webhook-delivery.entity';
import { CreateEhrWebhookTables1764210000000 } from './migrations/1764210000000-create-ehr-webhook-tables';

export const SERVICE_NAME = 'ehr-gateway';

@Module({})
export class AppModule {
  static forRoot(config: EhrGatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          buildDataSourceOptions({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            entities: [...kafkaEntities, WebhookDeliveryEntity, AppointmentStateEntity],
            migrations: [...kafkaMigrations, CreateEhrWebhookTables1764210000000],
            applicationName: SERVICE_NAME,
          }),
        ),
        HealthModule,
        // Producer only: the relay publishes the outbox; ehr-gateway consumes nothing.
        KafkaModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? SERVICE_NAME,
          brokers: config.KAFKA_BROKERS,
          serviceName: SERVICE_NAME,
          relay: config.OUTBOX_RELAY_ENABLED
            ? { pollIntervalMs: config.OUTBOX_RELAY_POLL_INTERVAL_MS }
            : false,
          topics: { ensure: [Topics.EhrAppointmentV1] },
        }),
        EhrWebhookModule,
      ],
    };
  }
}
