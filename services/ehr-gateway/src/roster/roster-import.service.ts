import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { RosterFetchFailureReason, timestampFromDate } from '@caredispatch/contracts';
import { backoffDelayMs, sleep } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type EhrGatewayConfig } from '../config';
import { EhrConnections } from '../ehr-fhir/ehr-connection';
import { EhrFhirClient, FhirSearchTooLargeError } from '../ehr-fhir/ehr-fhir.client';
import { EhrFailureKind, EhrFhirError } from '../ehr-fhir/fhir-client.port';

import { practitionerRoster } from './fhir-roster';
import {
  type RosterAnswer,
  type RosterImportJob,
  RosterImportRepository,
} from './roster-import.repository';

const LEASE_MS = 300_000;
const BATCH = 2;
/** FHIR `_count` asked per page (the EHR may answer fewer). */
export const ROSTER_PAGE_SIZE = 100;
/** Per search: 50 pages of 100 is far beyond a 2–25 provider group; more is refused. */
export const ROSTER_MAX_PAGES = 50;

/**
 * Roster imports: the consumer stages a job per RosterImportRequestedV1; this relay claims due
 * jobs, reads every page of the tenant's Practitioner and PractitionerRole searches, and
 * answers on `ehr.roster.v1` (EhrRosterFetchedV1, or EhrRosterFetchFailedV1 with the reason)
 * in one transaction with the job's end. Transient failures (429, 5xx, timeouts, token
 * endpoint down) back off with the write-back settings and give up after
 * EHR_WRITE_BACK_GIVE_UP_MINUTES.
 */
@Injectable()
export class RosterImportService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RosterImportService.name);
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: EhrGatewayConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repository: RosterImportRepository,
    private readonly connections: EhrConnections,
    private readonly client: EhrFhirClient,
  ) {}

  /** Stages the import; a tenant without an EHR connection is answered at once. */
  async stage(
    manager: EntityManager,
    request: { tenantId: string; importId: string; requestEventId: string; correlationId: string },
  ): Promise<void> {
    const now = this.clock.now();
    if (!this.connections.of(request.tenantId)) {
      await this.repository.answerNow(
        manager,
        this.failure(
          { ...request, attempts: 0, createdAt: now },
          RosterFetchFailureReason.NO_EHR_CONNECTION,
          0,
          now,
        ),
      );
      return;
    }
    await this.repository.stage(manager, request, now);
  }

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** One relay round: runs every due import once; returns how many ran. */
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
        this.logger.warn({
          message: 'roster import round failed',
          error: error instanceof Error ? error.name : 'unknown',
        });
      }
      if (ran < BATCH)
        await sleep(this.config.EHR_WRITE_BACK_POLL_INTERVAL_MS, this.stopping.signal);
    }
  }

  private async runJob(job: RosterImportJob): Promise<void> {
    const connection = this.connections.of(job.tenantId);
    const logged = { importId: job.importId, tenantId: job.tenantId };
    try {
      if (!connection) throw new EhrFhirError(EhrFailureKind.Rejected, 0, 'no EHR connection');
      const practitioners = await this.client.searchAllPages(
        connection,
        'Practitioner',
        [['_count', String(ROSTER_PAGE_SIZE)]],
        ROSTER_MAX_PAGES,
      );
      const roles = await this.client.searchAllPages(
        connection,
        'PractitionerRole',
        [['_count', String(ROSTER_PAGE_SIZE)]],
        ROSTER_MAX_PAGES,
      );
      const roster = practitionerRoster(practitioners.resources, roles.resources);
      const now = this.clock.now();
      const answer: RosterAnswer = {
        type: 'EhrRosterFetchedV1',
        tenantId: job.tenantId,
        aggregateId: job.importId,
        correlationId: job.correlationId,
        causationId: job.requestEventId,
        payload: {
          importId: job.importId,
          sourceSystem: connection.fhirBaseUrl,
          practitioners: roster.practitioners,
          orphanRoles: roster.orphanRoles,
          pages: practitioners.pages + roles.pages,
          observedAt: timestampFromDate(now),
        },
      };
      await this.repository.finish(
        job,
        'succeeded',
        answer,
        { error: null, httpStatus: null },
        now,
      );
      this.logger.log({
        message: 'roster import answered',
        ...logged,
        practitioners: roster.practitioners.length,
        pages: practitioners.pages + roles.pages,
      });
    } catch (error) {
      if (!(error instanceof EhrFhirError)) throw error;
      await this.onFailure(job, error);
    }
  }

  private async onFailure(job: RosterImportJob, error: EhrFhirError): Promise<void> {
    const now = this.clock.now();
    const logged = { importId: job.importId, tenantId: job.tenantId, kind: error.kind };
    const deadline = job.createdAt.getTime() + this.config.EHR_WRITE_BACK_GIVE_UP_MINUTES * 60_000;
    if (error.retryable && now.getTime() < deadline) {
      const delay = backoffDelayMs(job.attempts + 1, {
        baseDelayMs: this.config.EHR_WRITE_BACK_RETRY_BASE_MS,
        maxDelayMs: this.config.EHR_WRITE_BACK_RETRY_MAX_MS,
      });
      await this.repository.postpone(job, new Date(now.getTime() + delay), {
        error: error.kind,
        httpStatus: error.httpStatus,
      });
      this.logger.warn({ message: 'roster import postponed', ...logged, delayMs: delay });
      return;
    }
    const reason = reasonOf(error);
    await this.repository.finish(
      job,
      'failed',
      this.failure(job, reason, error.httpStatus, now),
      { error: error.kind, httpStatus: error.httpStatus || null },
      now,
    );
    this.logger.warn({ message: 'roster import failed', ...logged, reason });
  }

  private failure(
    job: RosterImportJob,
    reason: RosterFetchFailureReason,
    httpStatus: number,
    now: Date,
  ): RosterAnswer {
    return {
      type: 'EhrRosterFetchFailedV1',
      tenantId: job.tenantId,
      aggregateId: job.importId,
      correlationId: job.correlationId,
      causationId: job.requestEventId,
      payload: {
        importId: job.importId,
        reason,
        httpStatus,
        failedAt: timestampFromDate(now),
      },
    };
  }
}

function reasonOf(error: EhrFhirError): RosterFetchFailureReason {
  if (error instanceof FhirSearchTooLargeError) return RosterFetchFailureReason.TOO_LARGE;
  switch (error.kind) {
    case EhrFailureKind.Unavailable:
    case EhrFailureKind.AuthorizationUnavailable:
      return RosterFetchFailureReason.EHR_UNAVAILABLE;
    case EhrFailureKind.AuthorizationRejected:
      return RosterFetchFailureReason.AUTHORIZATION_REJECTED;
    case EhrFailureKind.VersionConflict:
    case EhrFailureKind.Conflict:
    case EhrFailureKind.NotFound:
    case EhrFailureKind.Rejected:
      return RosterFetchFailureReason.REJECTED;
  }
}
