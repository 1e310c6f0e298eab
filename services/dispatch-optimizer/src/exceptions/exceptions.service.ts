import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { PhiCipher } from '@caredispatch/phi-crypto';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { DispatchError, DispatchErrorCode } from '../dispatch.errors';
import { exceptionDetailField } from '../phi/dispatch-phi';
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
    private readonly cipher: PhiCipher,
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
    // The detail may name the patient: stored sealed, bound to the exception's id.
    const rows = await Promise.all(
      exceptions.map(async (exception) => {
        const exceptionId = randomUUID();
        return {
          exceptionId,
          tenantId: exception.tenantId,
          kind: exception.kind,
          reason: exception.reason,
          dedupeKey: exception.dedupeKey,
          planId: exception.planId ?? null,
          planVersion: exception.planVersion ?? null,
          appointmentId: exception.appointmentId ?? null,
          providerId: exception.providerId ?? null,
          detail: await this.cipher.encryptText(
            exceptionDetailField(tenantId, exceptionId),
            JSON.stringify({ ...(exception.detail ?? {}) }),
          ),
          status: 'open' as const,
          createdAt: now,
          resolvedAt: null,
        };
      }),
    );
    await asTenant(
      this.dataSource,
      tenantId,
      (scoped) => this.insertExceptions(scoped, rows),
      manager,
    );
  }

  private async insertExceptions(
    manager: EntityManager,
    rows: readonly QueryDeepPartialEntity<DispatchExceptionEntity>[],
  ): Promise<void> {
    await manager
      .createQueryBuilder()
      .insert()
      .into(DispatchExceptionEntity)
      .values([...rows])
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
    return Promise.all(rows.map((row) => this.toException(row)));
  }

  async resolve(tenantId: string, exceptionId: string): Promise<DispatchException> {
    const row = await asTenant(this.dataSource, tenantId, async (manager) => {
      const row = await manager.findOneBy(DispatchExceptionEntity, { tenantId, exceptionId });
      if (!row) throw new DispatchError(DispatchErrorCode.ExceptionNotFound, 'Exception not found');
      if (row.status === 'open') {
        row.status = 'resolved';
        row.resolvedAt = this.clock.now();
        await manager.save(row);
      }
      return row;
    });
    return this.toException(row);
  }

  private async toException(row: DispatchExceptionEntity): Promise<DispatchException> {
    const detail = await this.cipher.decryptText(
      exceptionDetailField(row.tenantId, row.exceptionId),
      row.detail,
    );
    return toException(row, JSON.parse(detail) as DispatchException['detail']);
  }
}

function toException(
  row: DispatchExceptionEntity,
  detail: DispatchException['detail'],
): DispatchException {
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
    detail,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
}
