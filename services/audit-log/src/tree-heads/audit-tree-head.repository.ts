import { randomUUID } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { type SignedTreeHead } from '../audit-chain/tree-head';

import { AuditTreeHeadEntity } from './audit-tree-head.entity';

/** Stored tree heads: inserted, never changed. */
@Injectable()
export class AuditTreeHeadRepository {
  async insert(manager: EntityManager, head: SignedTreeHead): Promise<void> {
    await manager.insert(AuditTreeHeadEntity, {
      id: randomUUID(),
      tenantId: head.tenantId,
      treeSize: String(head.treeSize),
      rootHash: head.rootHash,
      signedAt: head.timestamp,
      keyId: head.keyId,
      signature: head.signature,
    });
  }

  async latest(manager: EntityManager, tenantId: string): Promise<SignedTreeHead | null> {
    const row = await manager.findOne(AuditTreeHeadEntity, {
      where: { tenantId },
      order: { treeSize: 'DESC', signedAt: 'DESC' },
    });
    return row ? toSignedTreeHead(row) : null;
  }

  /** The newest head of exactly `treeSize` leaves. */
  async ofSize(
    manager: EntityManager,
    tenantId: string,
    treeSize: number,
  ): Promise<SignedTreeHead | null> {
    const row = await manager.findOne(AuditTreeHeadEntity, {
      where: { tenantId, treeSize: String(treeSize) },
      order: { signedAt: 'DESC' },
    });
    return row ? toSignedTreeHead(row) : null;
  }

  /** Tenants whose log has grown past their newest head (or that have none yet). */
  async tenantsDue(manager: EntityManager): Promise<string[]> {
    const rows = await manager.query<{ tenant_id: string }[]>(
      `SELECT log.tenant_id FROM
         (SELECT tenant_id, max(sequence) AS size FROM audit_event GROUP BY tenant_id) log
       WHERE log.size > COALESCE(
         (SELECT max(head.tree_size) FROM audit_tree_head head WHERE head.tenant_id = log.tenant_id), 0)
       ORDER BY log.tenant_id`,
    );
    return rows.map((row) => row.tenant_id);
  }
}

function toSignedTreeHead(row: AuditTreeHeadEntity): SignedTreeHead {
  return {
    tenantId: row.tenantId,
    treeSize: Number(row.treeSize),
    rootHash: row.rootHash,
    timestamp: row.signedAt,
    keyId: row.keyId,
    signature: row.signature,
  };
}
