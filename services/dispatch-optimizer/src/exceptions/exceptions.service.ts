import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { CLOCK, type Clock } from '@caredispatch/platform';

import { DispatchError, DispatchErrorCode } from '../dispatch.errors';
import { asTenant } from '../tenancy';

import { DispatchExceptionEntity } from './dispatch-exception.entity';
import {
  type DispatchException,
  type DispatchExceptionInput,
  DispatchExceptionReporter,
} from './dispatch-exception.model';

/** The coordinators' exceptions queue; reporting is idempotent per (tenant, dedupeKey). */
@Injectable()
export class ExceptionsService extends DispatchExceptionReporter {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  async report(exception: DispatchExceptionInput, manager?: EntityManager): Promise<void> {
    await this.reportMany([exception], manager);
  }

  async reportMany(
    exceptions: readonly DispatchExceptionInput[],
    manager?: EntityManager,
  ): Promise<void> {
    if (exceptions.length === 0) return;
    const now = this.clock.now();
    const [{ tenantId }] = exceptions;
    if (exceptions.some((exception) => exception.tenantId !== tenantId))
      throw new Error('exceptions of one tenant at a time');
    await asTenant(
      this.dataSource,
      tenantId,
      (scoped) => this.insertExceptions(scoped, exceptions, now),
      manager,
    );
  }

  private async insertExceptions(
    manager: EntityManager,
    exceptions: readonly DispatchExceptionInput[],
    now: Date,
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(DispatchExceptionEntity)
      .values(
        exceptions.map((exception) => ({
          exceptionId: randomUUID(),
          tenantId: exception.tenantId,
          kind: exception.kind,
          reason: exception.reason,
          dedupeKey: exception.dedupeKey,
          planId: exception.planId ?? null,
          planVersion: exception.planVersion ?? null,
          appointmentId: exception.appointmentId ?? null,
          providerId: exception.providerId ?? null,
          detail: { ...(exception.detail ?? {}) },
          status: 'open' as const,
          createdAt: now,
          resolvedAt: null,
        })),
      )
      .orIgnore()
      .execute();
  }

  async list(tenantId: string, status: 'open' | 'resolved' | 'all'): Promise<DispatchException[]> {
    const rows = await asTenant(this.dataSource, tenantId, (manager) =>
      manager.find(DispatchExceptionEntity, {
        where: status === 'all' ? { tenantId } : { tenantId, status },
        order: { createdAt: 'ASC', exceptionId: 'ASC' },
        take: 1000,
      }),
    );
    return rows.map(toException);
  }

  async resolve(tenantId: string, exceptionId: string): Promise<DispatchException> {
    return asTenant(this.dataSource, tenantId, async (manager) => {
      const row = await manager.findOneBy(DispatchExceptionEntity, { tenantId, exceptionId });
      if (!row) throw new DispatchError(DispatchErrorCode.ExceptionNotFound, 'Exception not found');
      if (row.status === 'open') {
        row.status = 'resolved';
        row.resolvedAt = this.clock.now();
        await manager.save(row);
      }
      return toException(row);
    });
  }
}

function toException(row: DispatchExceptionEntity): DispatchException {
  return {
    exceptionId: row.exceptionId,
    tenantId: row.tenantId,
    kind: row.kind,
    reason: row.reason,
    dedupeKey: row.dedupeKey,
    planId: row.planId,
    planVersion: row.planVersion,
    appointmentId: row.appointmentId,
    providerId: row.providerId,
    detail: row.detail,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}
