import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { RetentionScheduler } from '@caredispatch/kafka';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type SchedulingConfig } from '../config';

import { patientContactRetention } from './patient-contact-retention';

/** Drops old patients' contact data in-process (one replica at a time). */
@Injectable()
export class PatientContactRetentionService
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private readonly scheduler: RetentionScheduler;

  constructor(dataSource: DataSource, @Inject(SERVICE_CONFIG) config: SchedulingConfig) {
    this.scheduler = new RetentionScheduler({
      dataSource,
      tasks: [patientContactRetention(config.PATIENT_CONTACT_RETENTION_DAYS)],
      intervalMs: config.RETENTION_INTERVAL_MS,
      batchSize: config.RETENTION_BATCH_SIZE,
    });
  }

  onApplicationBootstrap(): void {
    this.scheduler.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}
