import { type DynamicModule, Module, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import {
  CreateInboxEvent1764201600001,
  CreateOutboxMessage1764201600000,
  InboxEventEntity,
  KafkaModule,
  KafkaRuntime,
  OutboxMessageEntity,
} from '@caredispatch/kafka';

import { type CommonConfig, consumerRetryFrom } from '../config/common-schema';
import { ServiceConfigModule } from '../config/config.module';
import { buildDataSourceOptions } from '../database/data-source-options';
import { HealthModule } from '../health/health.module';
import { ReadinessRegistry } from '../health/readiness-registry';

export interface ServiceInfrastructure {
  serviceName: string;
  /** The service's own entity classes and migrations; the outbox/inbox ones are added here. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  entities: readonly Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  migrations: readonly Function[];
  /** Topics (and their .dlq) created at start-up when missing. */
  topics: readonly string[];
  /** Present for services with @EventHandler methods. */
  consumer?: { partitionsConsumedConcurrently?: number; fromBeginning?: boolean };
  /** False for a service that never writes to the outbox (no relay, no producer). */
  produces: boolean;
}

type InfrastructureConfig = CommonConfig & { KAFKA_CONSUMER_GROUP?: string };

@Module({})
class KafkaReadinessProbe implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly kafka: KafkaRuntime,
  ) {}

  onModuleInit(): void {
    this.readiness.register('kafka', () => this.kafka.readinessStatus());
  }
}

/**
 * What every service stands on, wired one way: typed config, its own database (migrations,
 * never synchronize; outbox and inbox tables included), health endpoints, and the Kafka
 * runtime (relay and/or consumer) with readiness reflecting both connections.
 */
@Module({})
export class ServiceInfrastructureModule {
  static forRoot(config: InfrastructureConfig, service: ServiceInfrastructure): DynamicModule {
    // Only the tables the service uses: a consumer owns an inbox, a producer an outbox.
    const runtimeEntities = [
      ...(service.consumer ? [InboxEventEntity] : []),
      ...(service.produces ? [OutboxMessageEntity] : []),
    ];
    const runtimeMigrations = [
      ...(service.produces ? [CreateOutboxMessage1764201600000] : []),
      ...(service.consumer ? [CreateInboxEvent1764201600001] : []),
    ];
    return {
      module: ServiceInfrastructureModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          buildDataSourceOptions({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            entities: [...runtimeEntities, ...service.entities],
            migrations: [...runtimeMigrations, ...service.migrations],
            applicationName: service.serviceName,
          }),
        ),
        HealthModule,
        KafkaModule.forRoot({
          clientId: config.KAFKA_CLIENT_ID ?? service.serviceName,
          brokers: config.KAFKA_BROKERS,
          serviceName: service.serviceName,
          ...(service.consumer && {
            consumer: {
              ...service.consumer,
              groupId: config.KAFKA_CONSUMER_GROUP ?? service.serviceName,
              retry: consumerRetryFrom(config),
            },
          }),
          relay:
            service.produces && config.OUTBOX_RELAY_ENABLED
              ? { pollIntervalMs: config.OUTBOX_RELAY_POLL_INTERVAL_MS }
              : false,
          topics: { ensure: service.topics },
        }),
      ],
      providers: [KafkaReadinessProbe],
    };
  }
}
