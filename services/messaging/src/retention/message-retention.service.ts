import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { RetentionScheduler } from '@caredispatch/kafka';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { pendingRescheduleExpiry } from '../reschedule-texts/pending-expiry';

import { inboundBodyRetention, messageBodyRetention } from './message-retention';

/**
 * Scrubs old messages' phone numbers and texts and old replies' texts, and expires reschedule
 * requests whose booking never came, in-process (one replica at a time).
 */
@Injectable()
export class MessageRetentionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly scheduler: RetentionScheduler;

  constructor(dataSource: DataSource, @Inject(SERVICE_CONFIG) config: MessagingConfig) {
    this.scheduler = new RetentionScheduler({
      dataSource,
      tasks: [
        messageBodyRetention(config.MESSAGE_BODY_RETENTION_DAYS),
        inboundBodyRetention(config.MESSAGE_BODY_RETENTION_DAYS),
        pendingRescheduleExpiry(config.RESCHEDULE_TEXT_PENDING_MAX_AGE_HOURS),
      ],
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
