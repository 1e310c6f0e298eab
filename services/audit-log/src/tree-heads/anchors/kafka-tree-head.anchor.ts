import { timestampFromDate } from '@caredispatch/contracts';
import { type OutboxWriter } from '@caredispatch/kafka';

import { TREE_HEAD_FORMAT, type SignedTreeHead } from '../../audit-chain/tree-head';

import { type TreeHeadAnchor } from './tree-head-anchor.port';

import type { EntityManager } from 'typeorm';

/**
 * Publishes each head to `audit.tree-head.v1` (kept forever, keyed by tenant so a tenant's
 * heads stay in order) through the outbox: the head is published if and only if its row
 * commits, and the relay retries until the broker has it.
 */
export class KafkaTreeHeadAnchor implements TreeHeadAnchor {
  readonly name = 'kafka';

  constructor(private readonly outbox: OutboxWriter) {}

  async anchor(manager: EntityManager, head: SignedTreeHead): Promise<void> {
    await this.outbox.append(
      manager,
      {
        type: 'TreeHeadSignedV1',
        tenantId: head.tenantId,
        aggregateId: head.tenantId,
        payload: {
          format: TREE_HEAD_FORMAT,
          tenantId: head.tenantId,
          treeSize: BigInt(head.treeSize),
          rootHash: head.rootHash,
          timestamp: timestampFromDate(head.timestamp),
          keyId: head.keyId,
          signature: head.signature,
        },
      },
      { key: head.tenantId },
    );
  }
}
