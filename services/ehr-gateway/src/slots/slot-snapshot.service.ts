import { createHash, randomUUID } from 'node:crypto';

import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';

import { type NewEvent, SlotSnapshotTrigger, timestampFromDate } from '@caredispatch/contracts';
import { inTenantTransaction, OutboxWriter, sleep } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type EhrGatewayConfig } from '../config';
import { type EhrConnection, EhrConnections } from '../ehr-fhir/ehr-connection';
import { EhrFhirClient } from '../ehr-fhir/ehr-fhir.client';

import { freeSlotsSnapshot, type SlotSnapshotContent } from './free-slots-snapshot';

/**
 * Publishes `ehr.slot.v1`: per tenant with an EHR connection, every EHR_SLOT_POLL_INTERVAL_MS
 * (and soon after a write-back moved or cancelled a visit), searches each active Schedule's
 * free Slots in the next EHR_SLOT_WINDOW_DAYS and publishes a snapshot when it differs from
 * the last one published for that schedule.
 */
@Injectable()
export class SlotSnapshotService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SlotSnapshotService.name);
  private readonly stopping = new AbortController();
  private readonly published = new Map<string, string>();
  private readonly refreshRequested = new Set<string>();
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: EhrGatewayConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly connections: EhrConnections,
    private readonly client: EhrFhirClient,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  onApplicationBootstrap(): void {
    if (this.connections.tenantIds.length > 0) this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    this.wake?.();
    await this.loop;
  }

  /** Polls `tenantId` again soon (after a write-back took or freed a slot). */
  requestRefresh(tenantId: string): void {
    this.refreshRequested.add(tenantId);
    this.wake?.();
  }

  /** Polls one tenant now; returns how many snapshots were published. */
  async pollTenant(tenantId: string, trigger: SlotSnapshotTrigger): Promise<number> {
    const connection = this.connections.of(tenantId);
    if (!connection) return 0;
    const windowStart = this.clock.now();
    const windowEnd = new Date(
      windowStart.getTime() + this.config.EHR_SLOT_WINDOW_DAYS * 86_400_000,
    );
    const schedules = await this.client.search(connection, 'Schedule', [['active', 'true']]);
    let count = 0;
    for (const schedule of schedules) {
      const slots = await this.client.search(connection, 'Slot', [
        ['schedule', `Schedule/${schedule.id}`],
        ['status', 'free'],
        ['start', `ge${windowStart.toISOString()}`],
        ['start', `le${windowEnd.toISOString()}`],
        ['_count', '500'],
      ]);
      const content = freeSlotsSnapshot(schedule, slots, { windowStart, windowEnd });
      if (await this.publishIfChanged(connection, content, trigger)) count += 1;
    }
    return count;
  }

  private async publishIfChanged(
    connection: EhrConnection,
    content: SlotSnapshotContent,
    trigger: SlotSnapshotTrigger,
  ): Promise<boolean> {
    const key = `${connection.tenantId}:${content.ehrScheduleId}`;
    const hash = createHash('sha256').update(JSON.stringify(content.fingerprint)).digest('hex');
    if (this.published.get(key) === hash) return false;
    const event: NewEvent<'EhrFreeSlotsV1'> = {
      type: 'EhrFreeSlotsV1',
      tenantId: connection.tenantId,
      aggregateId: key,
      correlationId: randomUUID(),
      causationId: '',
      payload: {
        ...content.payload,
        sourceSystem: connection.fhirBaseUrl,
        observedAt: timestampFromDate(this.clock.now()),
        trigger,
      },
    };
    // The append is scoped to the event's tenant: row-level security admits no other outbox
    // row. Its data key is loaded before the transaction holds a connection.
    await this.outbox.prepare(connection.tenantId);
    await inTenantTransaction(this.dataSource, connection.tenantId, (manager) =>
      this.outbox.append(manager, event),
    );
    this.published.set(key, hash);
    return true;
  }

  private async run(): Promise<void> {
    let nextFullPoll = 0;
    while (!this.stopping.signal.aborted) {
      const now = this.clock.now().getTime();
      const due = now >= nextFullPoll && this.config.EHR_SLOT_POLL_INTERVAL_MS > 0;
      const tenants = due ? this.connections.tenantIds : [...this.refreshRequested];
      const trigger = due ? SlotSnapshotTrigger.POLL : SlotSnapshotTrigger.AFTER_WRITE_BACK;
      this.refreshRequested.clear();
      for (const tenantId of tenants) {
        try {
          await this.pollTenant(tenantId, trigger);
        } catch (error) {
          // The next round tries again; ids only in the log.
          this.logger.warn({
            message: 'slot poll failed',
            tenantId,
            error: error instanceof Error ? error.message : 'unknown',
          });
        }
      }
      if (due) nextFullPoll = now + this.config.EHR_SLOT_POLL_INTERVAL_MS;
      if (this.refreshRequested.size > 0) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        const waitMs =
          this.config.EHR_SLOT_POLL_INTERVAL_MS > 0
            ? Math.max(0, nextFullPoll - this.clock.now().getTime())
            : 60_000;
        void sleep(waitMs, this.stopping.signal).then(resolve);
      });
      this.wake = undefined;
    }
  }
}
