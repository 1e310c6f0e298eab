import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import type { Principal } from '@caredispatch/auth';
import { inTenantTransaction, OutboxWriter } from '@caredispatch/kafka';

import { type PhiAccess, phiAccessedEvent } from './phi-access';

/**
 * Records who read what as a PhiAccessedV1 event through the service's outbox, so the access
 * reaches audit-log exactly when the recording transaction commits. Pass the manager of the
 * transaction that read the data to make read and record one unit; without one, the record
 * gets its own transaction, and the caller must not return the data if it throws.
 */
@Injectable()
export class PhiAccessRecorder {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async record(principal: Principal, access: PhiAccess, manager?: EntityManager): Promise<void> {
    const event = phiAccessedEvent(principal, access);
    if (manager) {
      await this.outbox.append(manager, event);
      return;
    }
    // The outbox row is the principal's tenant's (row-level security checks it).
    await inTenantTransaction(this.dataSource, principal.tenantId, (own) =>
      this.outbox.append(own, event),
    );
  }
}
