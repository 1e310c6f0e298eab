import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ALL_TOPICS } from '@caredispatch/contracts';
import { KafkaModule, KafkaRuntime } from '@caredispatch/kafka';
import {
  buildDataSourceOptions,
  consumerRetryFrom,
  HealthModule,
  ReadinessRegistry,
  ServiceConfigModule,
} from '@caredispatch/platform';

import { AuditEventsModule } from './audit-events/audit-events.module';
import { type AuditLogConfig } from './config';
import { auditLogEntities, auditLogMigrations } from './entities';

@Module({})
export class AppModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly kafka: KafkaRuntime,
  ) {}

  static forRoot(config: AuditLogConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          buildDataSourceOptions({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            entities: auditLogEntities,
            migrations: auditLogMigrations,
            applicationName: 'audit-log',
          }),
        ),
        HealthModule,
        KafkaModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? 'audit-log',
          brokers: config.KAFKA_BROKERS,
          serviceName: 'audit-log',
          // Tenants' chains serialize on their own head row, so partitions can run in parallel.
          consumer: {
            groupId: config.KAFKA_CONSUMER_GROUP,
            partitionsConsumedConcurrently: 3,
            retry: consumerRetryFrom(config),
          },
          relay: false,
          topics: { ensure: ALL_TOPICS },
        }),
        AuditEventsModule,
      ],
    };
  }

  onModuleInit(): void {
    this.readiness.register('kafka', () => this.kafka.isReady());
  }
}
