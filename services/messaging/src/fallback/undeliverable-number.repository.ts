import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

/** Numbers a tenant's texts cannot reach, by blind index. Always in the tenant's transaction. */
@Injectable()
export class UndeliverableNumberRepository {
  /** Marks the number; the first proof is kept (a repeat changes nothing). */
  async mark(
    manager: EntityManager,
    input: {
      tenantId: string;
      toLookupHash: string;
      errorCode: string;
      evidenceMessageId: string;
      now: Date;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO undeliverable_number (tenant_id, to_lookup_hash, error_code, marked_at, evidence_message_id)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, to_lookup_hash) DO NOTHING`,
      [input.tenantId, input.toLookupHash, input.errorCode, input.now, input.evidenceMessageId],
    );
  }

  /** Whether texts to the number (by its blind index) are known not to arrive. */
  async isMarked(manager: EntityManager, tenantId: string, toLookupHash: string): Promise<boolean> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM undeliverable_number WHERE tenant_id = $1 AND to_lookup_hash = $2`,
      [tenantId, toLookupHash],
    );
    return rows.length > 0;
  }
}
