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
  IsolateOutboxTenants1764201600003,
  KafkaModule,
  type KafkaModuleOptions,
  KafkaRuntime,
  OutboxMessageEntity,
  ParkOutboxMessage1764201600002,
} from '@caredispatch/kafka';
import {
  CreatePhiDataKey1764201700000,
  PhiCipher,
  type PhiColumn,
  PhiDataKeyEntity,
} from '@caredispatch/phi-crypto';

import {
  type CommonConfig,
  consumerRetryFrom,
  databaseTimeoutsFrom,
  runtimeRoleOf,
} from '../config/common-schema';
import { ServiceConfigModule } from '../config/config.module';
import { ConfigError } from '../config/load-config';
import { type PhiConfig } from '../config/phi-schema';
import { buildDataSourceOptions } from '../database/data-source-options';
import {
  migrateDatabase,
  pendingMigrations,
  SchemaBehindError,
} from '../database/migrate-database';
import { readWritePrivileges, type RuntimePrivileges } from '../database/runtime-privileges';
import { HealthModule } from '../health/health.module';
import { ReadinessRegistry } from '../health/readiness-registry';
import { OUTBOX_PAYLOAD_COLUMN, outboxPayloadCipher, PhiModule } from '../phi/phi.module';

/** A service's database as its migrate step and its runtime both see it. */
export interface ServiceDatabase {
  /** The service's own entity classes and migrations; the outbox/inbox ones are added here. */
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  entities: readonly Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  migrations: readonly Function[];
  /** False for a service that never writes to the outbox (no outbox table, relay or producer). */
  produces: boolean;
  /** True for a service with @EventHandler methods (it records processed ids in an inbox). */
  consumes: boolean;
  /** What the runtime role may do per table (readWritePrivileges). */
  runtimePrivileges?: RuntimePrivileges;
  /**
   * For a service that stores PHI: its PHI columns (for the re-encryption job). Adds the
   * phi_data_key table, provides PhiCipher and BlindIndex and encrypts the outbox payloads.
   * Needs the PHI_* variables.
   */
  phi?: { columns: readonly PhiColumn[] };
}

export interface ServiceInfrastructure {
  serviceName: string;
  database: ServiceDatabase;
  /** Topics (and their .dlq) created at start-up when missing. */
  topics: readonly string[];
  /** Consumer tuning, for services whose database `consumes`. */
  consumer?: { partitionsConsumedConcurrently?: number; fromBeginning?: boolean };
}

/** Entities and migrations of `database`, the outbox/inbox/PHI-key ones included, in migration order. */
export function serviceSchemaOf(database: ServiceDatabase): {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  entities: Function[];
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type
  migrations: Function[];
} {
  // Only the tables the service uses: a consumer owns an inbox, a producer an outbox.
  return {
    entities: [
      ...(database.consumes ? [InboxEventEntity] : []),
      ...(database.produces ? [OutboxMessageEntity] : []),
      ...(database.phi ? [PhiDataKeyEntity] : []),
      ...database.entities,
    ],
    migrations: [
      ...(database.produces ? [CreateOutboxMessage1764201600000] : []),
      ...(database.consumes ? [CreateInboxEvent1764201600001] : []),
      ...(database.produces
        ? [ParkOutboxMessage1764201600002, IsolateOutboxTenants1764201600003]
        : []),
      ...(database.phi ? [CreatePhiDataKey1764201700000] : []),
      ...database.migrations,
    ],
  };
}

type InfrastructureConfig = CommonConfig & { KAFKA_CONSUMER_GROUP?: string } & Partial<PhiConfig>;

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

/** The PHI variables of a service that declares `phi`; ConfigError when its schema lacks them. */
function phiConfigOf(config: InfrastructureConfig): PhiConfig {
  const { PHI_KEKS, PHI_KEK_ID, PHI_BLIND_INDEX_KEY, PHI_KEY_MAINTENANCE_INTERVAL_MS } = config;
  if (!PHI_KEKS || !PHI_KEK_ID || !PHI_BLIND_INDEX_KEY || !PHI_KEY_MAINTENANCE_INTERVAL_MS) {
    throw new ConfigError(['PHI_KEKS: a service that stores PHI must read phiConfigShape']);
  }
  if (!Object.hasOwn(PHI_KEKS.reveal(), PHI_KEK_ID)) {
    throw new ConfigError(['PHI_KEK_ID: must name a key listed in PHI_KEKS']);
  }
  return { PHI_KEKS, PHI_KEK_ID, PHI_BLIND_INDEX_KEY, PHI_KEY_MAINTENANCE_INTERVAL_MS };
}

/** The runtime refuses to serve on a schema its migrations have not reached. */
@Injectable()
class SchemaVersionCheck implements OnModuleInit {
  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    const pending = await pendingMigrations(this.dataSource);
    if (pending.length > 0) throw new SchemaBehindError(pending);
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
    const { database } = service;
    const retention: RetentionSettings = {
      tasks: [
        ...(database.produces ? [publishedOutboxRetention(config.OUTBOX_RETENTION_HOURS)] : []),
        ...(database.consumes ? [inboxRetention(config.INBOX_RETENTION_HOURS)] : []),
      ],
      intervalMs: config.RETENTION_INTERVAL_MS,
      batchSize: config.RETENTION_BATCH_SIZE,
    };
    const settings = {
      ...serviceSchemaOf(database),
      applicationName: service.serviceName,
      timeouts: databaseTimeoutsFrom(config),
    };
    const phi =
      database.phi &&
      PhiModule.forRoot({
        config: phiConfigOf(config),
        columns: [...(database.produces ? [OUTBOX_PAYLOAD_COLUMN] : []), ...database.phi.columns],
        batchSize: config.RETENTION_BATCH_SIZE,
      });
    const kafkaOptions: KafkaModuleOptions = {
      clientId: config.KAFKA_CLIENT_ID ?? service.serviceName,
      brokers: config.KAFKA_BROKERS,
      serviceName: service.serviceName,
      ...(database.consumes && {
        consumer: {
          ...service.consumer,
          groupId: config.KAFKA_CONSUMER_GROUP ?? service.serviceName,
          retry: consumerRetryFrom(config),
        },
      }),
      relay:
        database.produces && config.OUTBOX_RELAY_ENABLED
          ? {
              pollIntervalMs: config.OUTBOX_RELAY_POLL_INTERVAL_MS,
              maxRowFailures: config.OUTBOX_MAX_ROW_FAILURES,
              sendTimeoutMs: config.OUTBOX_SEND_TIMEOUT_MS,
            }
          : false,
      topics: {
        ensure: service.topics,
        replicationFactor: config.KAFKA_TOPIC_REPLICATION_FACTOR,
        minInsyncReplicas: config.KAFKA_TOPIC_MIN_INSYNC_REPLICAS,
      },
    };
    return {
      module: ServiceInfrastructureModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            // The owner's connection exists only while it migrates; the service runs as DATABASE_URL.
            if (config.DATABASE_MIGRATION_URL) {
              await migrateDatabase({
                ...settings,
                url: config.DATABASE_MIGRATION_URL.reveal(),
                runtimeRole: runtimeRoleOf(config),
                privileges: database.runtimePrivileges ?? readWritePrivileges,
              });
            }
            return {
              ...buildDataSourceOptions({
                ...settings,
                url: config.DATABASE_URL.reveal(),
                poolSize: config.DATABASE_POOL_SIZE,
              }),
              migrationsRun: false,
            };
          },
        }),
        HealthModule,
        AuthModule.forRoot(authSettingsFrom(config)),
        ...(phi ? [phi] : []),
        phi
          ? KafkaModule.forRootAsync({
              imports: [phi],
              inject: [PhiCipher],
              useFactory: (cipher: PhiCipher) => ({
                ...kafkaOptions,
                payloadCipher: outboxPayloadCipher(cipher),
              }),
            })
          : KafkaModule.forRoot(kafkaOptions),
      ],
      providers: [
        SchemaVersionCheck,
        KafkaReadinessProbe,
        { provide: RETENTION_SETTINGS, useValue: retention },
        KafkaTablesRetention,
      ],
    };
  }
}
