import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  timestampFromDate,
  WriteBackAction,
  WriteBackFailureReason,
} from '@caredispatch/contracts';
import { backoffDelayMs, sleep } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type EhrGatewayConfig } from '../config';
import { EhrConnections } from '../ehr-fhir/ehr-connection';
import { EhrFhirClient } from '../ehr-fhir/ehr-fhir.client';
import { SlotSnapshotService } from '../slots/slot-snapshot.service';

import { type WriteBackActionName } from './write-back-job.entity';
import { executeWriteBack, reasonOfExhausted, type WriteBackResult } from './write-back.executor';
import {
  type StagedWriteBack,
  type WriteBackEvent,
  type WriteBackJob,
  WriteBackRepository,
} from './write-back.repository';

const LEASE_MS = 120_000;

/** Failures whose staff change already decided: nobody needs to act on them. */
const STAFF_DECIDED = new Set([
  WriteBackFailureReason.SUPERSEDED_BY_STAFF,
  WriteBackFailureReason.KEPT_VISIT_CHANGED,
]);
const BATCH = 10;

/**
 * Stages patient responses as write-back jobs and runs them: a relay loop (outbox-style)
 * claims due jobs, executes them against the tenant's EHR and records each outcome with its
 * `ehr.write-back.v1` event in one transaction. Transient failures (429, 5xx, timeouts, token
 * endpoint down) back off and retry until EHR_WRITE_BACK_GIVE_UP_MINUTES after the response,
 * then fail with the reason: the staff inbox item.
 */
@Injectable()
export class WriteBackService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WriteBackService.name);
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: EhrGatewayConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repository: WriteBackRepository,
    private readonly connections: EhrConnections,
    private readonly client: EhrFhirClient,
    private readonly slots: SlotSnapshotService,
  ) {}

  /**
   * Stages the write-back of a response; a tenant without an EHR connection has write-back
   * off, so its responses stage nothing (no staff inbox item for every answer).
   */
  async stage(manager: EntityManager, job: StagedWriteBack): Promise<void> {
    // A waitlist booking of a practice this gateway serves always gets an answer
    // (NOT_CONFIGURED at worst): its acceptor waits for it. Another gateway's tenant is not ours.
    // So does a reassignment: the tenant switched it on in dispatch and must learn it failed.
    const served =
      (job.action === 'book' || job.action === 'move' || job.action === 'reassign') &&
      this.config.EHR_WEBHOOK_SECRETS.keyFor(job.tenantId) !== undefined;
    if (!served && !this.connections.of(job.tenantId)) {
      this.logger.debug({ message: 'write-back off for tenant', tenantId: job.tenantId });
      return;
    }
    await this.repository.stage(manager, job, this.clock.now());
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** One relay round: runs every due job once; returns how many ran. */
  async runDueJobs(): Promise<number> {
    const jobs = await this.repository.claimDue(this.clock.now(), BATCH, LEASE_MS);
    for (const job of jobs) await this.runJob(job);
    return jobs.length;
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let ran = 0;
      try {
        ran = await this.runDueJobs();
      } catch (error) {
        // The database is away: the leases expire and the jobs are claimed again later.
        this.logger.warn({ message: 'write-back round failed', error: errorName(error) });
      }
      if (ran < BATCH)
        await sleep(this.config.EHR_WRITE_BACK_POLL_INTERVAL_MS, this.stopping.signal);
    }
  }

  private async runJob(job: WriteBackJob): Promise<void> {
    const result = await executeWriteBack(this.client, this.connections.of(job.tenantId), job);
    const now = this.clock.now();
    const logged = { writeBackId: job.id, tenantId: job.tenantId, action: job.action };
    if (result.kind === 'retry') {
      const deadline =
        job.createdAt.getTime() + this.config.EHR_WRITE_BACK_GIVE_UP_MINUTES * 60_000;
      if (now.getTime() < deadline) {
        const delay = backoffDelayMs(job.attempts + 1, {
          baseDelayMs: this.config.EHR_WRITE_BACK_RETRY_BASE_MS,
          maxDelayMs: this.config.EHR_WRITE_BACK_RETRY_MAX_MS,
        });
        await this.repository.postpone(job, new Date(now.getTime() + delay), {
          error: result.error.kind,
          httpStatus: result.error.httpStatus,
        });
        this.logger.warn({
          message: 'write-back postponed',
          ...logged,
          kind: result.error.kind,
          httpStatus: result.error.httpStatus,
          delayMs: delay,
        });
        return;
      }
      await this.fail(
        job,
        {
          kind: 'failed',
          reason: reasonOfExhausted(result.error),
          httpStatus: result.error.httpStatus,
        },
        result.error.kind,
        now,
      );
      return;
    }
    if (result.kind === 'failed') {
      await this.fail(job, result, null, now);
      return;
    }
    await this.repository.finish(
      job,
      'succeeded',
      this.event(job, {
        type: 'WriteBackSucceededV1',
        payload: {
          writeBackId: job.id,
          responseId: job.responseId,
          appointmentId: job.appointmentId,
          ehrAppointmentId: job.ehrAppointmentId,
          action: actionOf(job.action),
          ehrVersion: result.versionId,
          attempts: job.attempts + 1,
          writtenAt: timestampFromDate(now),
          slotId: job.slotId ?? '',
          newEhrAppointmentId: result.newEhrAppointmentId,
          alreadyApplied: result.alreadyApplied,
        },
      }),
      result.writtenVersions,
      { error: null, httpStatus: null },
      now,
    );
    this.logger.log({
      message: 'write-back succeeded',
      ...logged,
      alreadyApplied: result.alreadyApplied,
    });
    // A move or a cancellation changed which slots are free: tell the links page soon.
    if (job.action !== 'confirm' && job.action !== 'reassign' && !result.alreadyApplied)
      this.slots.requestRefresh(job.tenantId);
  }

  private async fail(
    job: WriteBackJob,
    result: Extract<WriteBackResult, { kind: 'failed' }>,
    lastError: string | null,
    now: Date,
  ): Promise<void> {
    await this.repository.finish(
      job,
      'failed',
      this.event(job, {
        type: 'WriteBackFailedV1',
        payload: {
          writeBackId: job.id,
          responseId: job.responseId,
          appointmentId: job.appointmentId,
          ehrAppointmentId: job.ehrAppointmentId,
          action: actionOf(job.action),
          reason: result.reason,
          attempts: job.attempts + 1,
          failedAt: timestampFromDate(now),
          httpStatus: result.httpStatus,
          slotId: job.slotId ?? '',
          // A staff change already decided; every other failure needs a person.
          staffActionRequired: !STAFF_DECIDED.has(result.reason),
        },
      }),
      [],
      { error: lastError ?? `reason ${result.reason}`, httpStatus: result.httpStatus || null },
      now,
    );
    this.logger.warn({
      message: 'write-back failed',
      writeBackId: job.id,
      tenantId: job.tenantId,
      reason: result.reason,
    });
  }

  private event(
    job: WriteBackJob,
    event: Pick<WriteBackEvent, 'type' | 'payload'>,
  ): WriteBackEvent {
    return {
      ...event,
      tenantId: job.tenantId,
      aggregateId: job.appointmentId,
      correlationId: job.correlationId,
      causationId: job.responseEventId,
    } as WriteBackEvent;
  }
}

function actionOf(action: WriteBackActionName): WriteBackAction {
  switch (action) {
    case 'confirm':
      return WriteBackAction.CONFIRM;
    case 'cancel':
      return WriteBackAction.CANCEL;
    case 'reschedule':
      return WriteBackAction.RESCHEDULE;
    // A waitlist fill either way: the waitlist awaits action BOOK for its offer.
    case 'book':
    case 'move':
      return WriteBackAction.BOOK;
    case 'reassign':
      return WriteBackAction.REASSIGN;
  }
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'unknown';
}
