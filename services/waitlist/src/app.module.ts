import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { KafkaModule, kafkaEntities, kafkaMigrations, KafkaRuntime } from '@caredispatch/kafka';
import {
  buildDataSourceOptions,
  HealthModule,
  ReadinessRegistry,
  ServiceConfigModule,
} from '@caredispatch/platform';

import { type WaitlistConfig } from './config';

export const SERVICE_NAME = 'waitlist';

@Module({})
export class AppModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly kafka: KafkaRuntime,
  ) {}

  onModuleInit(): void {
    this.readiness.register('kafka', () => this.kafka.isReady());
  }

  static forRoot(config: WaitlistConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          buildDataSourceOptions({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            entities: [...kafkaEntities],
            migrations: [...kafkaMigrations],
            applicationName: SERVICE_NAME,
          }),
        ),
        HealthModule,
        // No business events yet (a later issue); the outbox relay and its producer are in
        // place so the service is wired like the others and readiness covers Kafka.
        KafkaModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? SERVICE_NAME,
          brokers: config.KAFKA_BROKERS,
          serviceName: SERVICE_NAME,
          relay: config.OUTBOX_RELAY_ENABLED
            ? { pollIntervalMs: config.OUTBOX_RELAY_POLL_INTERVAL_MS }
            : false,
        }),
      ],
    };
  }
}
