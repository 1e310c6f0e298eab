import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { Topics } from '@caredispatch/contracts';
import { KafkaModule, KafkaRuntime } from '@caredispatch/kafka';
import {
  buildDataSourceOptions,
  consumerRetryFrom,
  HealthModule,
  ReadinessRegistry,
  ServiceConfigModule,
} from '@caredispatch/platform';

import { AppointmentsModule } from './appointments/appointments.module';
import { type SchedulingConfig } from './config';
import { schedulingEntities, schedulingMigrations } from './entities';

@Module({})
export class AppModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly kafka: KafkaRuntime,
  ) {}

  static forRoot(config: SchedulingConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          buildDataSourceOptions({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            entities: schedulingEntities,
            migrations: schedulingMigrations,
            applicationName: 'scheduling',
          }),
        ),
        HealthModule,
        KafkaModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? 'scheduling',
          brokers: config.KAFKA_BROKERS,
          serviceName: 'scheduling',
          consumer: { groupId: config.KAFKA_CONSUMER_GROUP, retry: consumerRetryFrom(config) },
          relay: config.OUTBOX_RELAY_ENABLED
            ? { pollIntervalMs: config.OUTBOX_RELAY_POLL_INTERVAL_MS }
            : false,
          topics: { ensure: [Topics.EhrAppointmentV1, Topics.SchedulingAppointmentV1] },
        }),
        AppointmentsModule,
      ],
    };
  }

  onModuleInit(): void {
    this.readiness.register('kafka', () => this.kafka.isReady());
  }
}
