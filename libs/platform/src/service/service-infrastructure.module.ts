import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { AuthModule, authSettingsFrom } from '@caredispatch/auth';
import {
  inboxRetention,
  publishedOutboxRetention,
  RetentionScheduler,
  type RetentionTask,
  CreateInboxEvent1764201600001,
  CreateOutboxMessage1764201600000,
  InboxEventEntity,
  KafkaModule,
  KafkaRuntime,
  OutboxMessageEntity,
  ParkOutboxMessage1764201600002,
} from '@caredispatch/kafka';

import {
  type CommonConfig,
  consumerRetryFrom,
  databaseTimeoutsFrom,
} from '../config/common-schema';
import { ServiceConfigModule } from '../config/config.module';
import { ConfigError } from '../config/load-config';
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

const RETENTION_SETTINGS = Symbol('RETENTION_SETTINGS');

interface RetentionSettings {
  readonly tasks: readonly RetentionTask[];
  readonly intervalMs: number;
  readonly batchSize: number;
}

/** Expires published outbox rows and old inbox ids of this service's database. */
@Injectable()
class KafkaTablesRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly scheduler: RetentionScheduler;

  constructor(dataSource: DataSource, @Inject(RETENTION_SETTINGS) settings: RetentionSettings) {
    this.scheduler = new RetentionScheduler({ dataSource, ...settings });
  }

  onApplicationBootstrap(): void {
    this.scheduler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}

/** Cross-variable rules the per-variable schema cannot state. */
function checkInfrastructureConfig(config: InfrastructureConfig): void {
  const problems: string[] = [];
  if (config.OUTBOX_SEND_TIMEOUT_MS >= config.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS) {
    // The relay's round holds its transaction while Kafka answers.
    problems.push(
      'OUTBOX_SEND_TIMEOUT_MS: must be less than DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
    );
  }
  if (config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS > config.KAFKA_TOPIC_REPLICATION_FACTOR) {
    problems.push(
      'KAFKA_TOPIC_MIN_INSYNC_REPLICAS: must not exceed KAFKA_TOPIC_REPLICATION_FACTOR',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
}

/**
 * What every service stands on, wired one way: typed config, its own database (migrations,
 * never synchronize; outbox and inbox tables included), health endpoints, and the Kafka
 * runtime (relay and/or consumer) with readiness reflecting both connections.
 */
@Module({})
export class ServiceInfrastructureModule {
  static forRoot(config: InfrastructureConfig, service: ServiceInfrastructure): DynamicModule {
    checkInfrastructureConfig(config);
    const retention: RetentionSettings = {
      tasks: [
        ...(service.produces ? [publishedOutboxRetention(config.OUTBOX_RETENTION_HOURS)] : []),
        ...(service.consumer ? [inboxRetention(config.INBOX_RETENTION_HOURS)] : []),
      ],
      intervalMs: config.RETENTION_INTERVAL_MS,
      batchSize: config.RETENTION_BATCH_SIZE,
    };
    // Only the tables the service uses: a consumer owns an inbox, a producer an outbox.
    const runtimeEntities = [
      ...(service.consumer ? [InboxEventEntity] : []),
      ...(service.produces ? [OutboxMessageEntity] : []),
    ];
    const runtimeMigrations = [
      ...(service.produces ? [CreateOutboxMessage1764201600000] : []),
      ...(service.consumer ? [CreateInboxEvent1764201600001] : []),
      ...(service.produces ? [ParkOutboxMessage1764201600002] : []),
    ];
    return {
      module: ServiceInfrastructureModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          buildDataSourceOptions({
            url: config.DATABASE_URL.reveal(),
            poolSize: config.DATABASE_POOL_SIZE,
            entities: [...runtimeEntities, ...service.entities],
            migrations: [...runtimeMigrations, ...service.migrations],
            applicationName: service.serviceName,
            timeouts: databaseTimeoutsFrom(config),
          }),
        ),
        HealthModule,
        AuthModule.forRoot(authSettingsFrom(config)),
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
              ? {
                  pollIntervalMs: config.OUTBOX_RELAY_POLL_INTERVAL_MS,
                  maxRowFailures: config.OUTBOX_MAX_ROW_FAILURES,
                  sendTimeoutMs: config.OUTBOX_SEND_TIMEOUT_MS,
                  producerRetry: { retries: config.OUTBOX_PRODUCER_RETRIES },
                }
              : false,
          topics: {
            ensure: service.topics,
            replicationFactor: config.KAFKA_TOPIC_REPLICATION_FACTOR,
            minInsyncReplicas: config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS,
          },
        }),
      ],
      providers: [
        KafkaReadinessProbe,
        { provide: RETENTION_SETTINGS, useValue: retention },
        KafkaTablesRetention,
      ],
    };
  }
}
