import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { KafkaJobs, type OutboxPayloadCipher, RetentionScheduler } from '@caredispatch/kafka';
import {
  BlindIndex,
  columnReencryption,
  dataKeyRotation,
  EnvKeyEncryption,
  type KeyEncryptionPort,
  PhiCipher,
  type PhiColumn,
  PostgresDataKeyStore,
} from '@caredispatch/phi-crypto';

import { type PhiConfig } from '../config/phi-schema';

const PHI_SETTINGS = Symbol('PHI_SETTINGS');
/** Injection token of the service's KeyEncryptionPort (the environment's KEKs today). */
export const KEY_ENCRYPTION = Symbol('KEY_ENCRYPTION');

/** The outbox's payload column, which every PHI service's outbox holds. */
export const OUTBOX_PAYLOAD_COLUMN: PhiColumn = {
  table: 'outbox_message',
  column: 'payload',
  kind: 'bytea',
  rowKey: 'event_id::text',
  idColumn: 'id',
};

/** libs/kafka's outbox port over PhiCipher, bound to OUTBOX_PAYLOAD_COLUMN. */
export function outboxPayloadCipher(cipher: PhiCipher): OutboxPayloadCipher {
  const field = (row: { tenantId: string; eventId: string }) => ({
    tenantId: row.tenantId,
    table: OUTBOX_PAYLOAD_COLUMN.table,
    column: OUTBOX_PAYLOAD_COLUMN.column,
    rowKey: row.eventId,
  });
  return {
    prepare: (tenantId) => cipher.prepareToEncrypt(tenantId),
    seal: (row, payload) => cipher.encryptBytes(field(row), payload),
    open: (row, stored) => cipher.decryptBytes(field(row), stored),
  };
}

export interface PhiSettings {
  readonly config: PhiConfig;
  /** Every column holding PHI, for the re-encryption job (the outbox's is added by the caller). */
  readonly columns: readonly PhiColumn[];
  readonly batchSize: number;
}

/** Lock ids of the per-column re-encryption tasks: this base + the column's index. */
const REENCRYPTION_LOCK_BASE = 0x0c0ff30;

/** Re-wraps data keys under the newest KEK and re-encrypts plaintext or retired-key columns. */
@Injectable()
class PhiKeyMaintenance implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly scheduler: RetentionScheduler;

  constructor(
    dataSource: DataSource,
    @Inject(KEY_ENCRYPTION) kms: KeyEncryptionPort,
    cipher: PhiCipher,
    @Inject(PHI_SETTINGS) settings: PhiSettings,
  ) {
    this.scheduler = new RetentionScheduler({
      dataSource,
      tasks: [
        dataKeyRotation(kms),
        ...settings.columns.map((column, index) =>
          columnReencryption(cipher, column, REENCRYPTION_LOCK_BASE + index),
        ),
      ],
      intervalMs: settings.config.PHI_KEY_MAINTENANCE_INTERVAL_MS,
      batchSize: settings.batchSize,
      // Across tenants, on the PHI tables whose policies name this job (phi_data_key has none).
      job: KafkaJobs.PhiKeyMaintenance,
    });
  }

  onApplicationBootstrap(): void {
    this.scheduler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}

/**
 * PHI encryption at rest for one service: `PhiCipher` (field encryption), `BlindIndex`
 * (lookup hashes) and the key maintenance job, from the PHI_* variables. Global, so
 * repositories inject PhiCipher and BlindIndex directly.
 */
@Module({})
export class PhiModule {
  static forRoot(settings: PhiSettings): DynamicModule {
    return {
      module: PhiModule,
      global: true,
      providers: [
        { provide: PHI_SETTINGS, useValue: settings },
        {
          provide: KEY_ENCRYPTION,
          useFactory: () =>
            new EnvKeyEncryption(settings.config.PHI_KEKS, settings.config.PHI_KEK_ID),
        },
        {
          provide: PhiCipher,
          inject: [KEY_ENCRYPTION, DataSource],
          useFactory: (kms: KeyEncryptionPort, dataSource: DataSource) =>
            new PhiCipher({ kms, store: new PostgresDataKeyStore(dataSource) }),
        },
        { provide: BlindIndex, useValue: new BlindIndex(settings.config.PHI_BLIND_INDEX_KEY) },
        PhiKeyMaintenance,
      ],
      exports: [PhiCipher, BlindIndex, KEY_ENCRYPTION],
    };
  }
}
