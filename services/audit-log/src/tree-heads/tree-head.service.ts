import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

import { inJobTransaction, inTenantTransaction } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { type Hash, MerkleTree } from '../audit-chain/merkle-tree';
import { type SignedTreeHead, type TreeHeadKeyRing } from '../audit-chain/tree-head';
import { AuditError, AuditErrorCode } from '../audit-events/audit-events.errors';
import { AuditJobs } from '../audit-events/audit-jobs';

import { TREE_HEAD_ANCHORS, type TreeHeadAnchor } from './anchors/tree-head-anchor.port';
import { AuditLeafRepository } from './audit-leaf.repository';
import { AuditTreeHeadRepository } from './audit-tree-head.repository';

export const TREE_HEAD_KEY_RING = Symbol('TREE_HEAD_KEY_RING');

export interface InclusionProof {
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly leafHash: Hash;
  readonly proof: Hash[];
}

/** Signs, stores and anchors tree heads; answers inclusion and consistency proofs. */
@Injectable()
export class TreeHeadService {
  private readonly logger = new Logger(TreeHeadService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(TREE_HEAD_KEY_RING) private readonly keyRing: TreeHeadKeyRing,
    @Inject(TREE_HEAD_ANCHORS) private readonly anchors: readonly TreeHeadAnchor[],
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly leaves: AuditLeafRepository,
    private readonly heads: AuditTreeHeadRepository,
  ) {}

  /**
   * A signed head over the tenant's whole log as committed now: the newest stored head when
   * the log has not grown since, otherwise a new head, stored and anchored in one transaction.
   * Before signing, the new tree must extend the previous head (same root at its size); a log
   * rewritten underneath is refused rather than blessed with a fresh signature.
   */
  async signLatest(tenantId: string): Promise<SignedTreeHead> {
    await this.forTenant(tenantId, async (manager) => {
      if (await this.leaves.needsBackfill(manager, tenantId)) {
        await this.leaves.backfill(manager, tenantId);
      }
    });
    return this.forTenant(tenantId, async (manager) => {
      // One signer per tenant at a time, so heads are stored in tree-size order.
      await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [
        `audit-tree-head:${tenantId}`,
      ]);
      const previous = await this.heads.latest(manager, tenantId);
      const size = await this.logSize(manager, tenantId);
      if (previous && previous.treeSize === size) return previous;
      const tree = new MerkleTree(await this.leaves.leafHashes(manager, tenantId, size));
      if (previous && !tree.root(previous.treeSize).equals(previous.rootHash)) {
        this.logger.error(
          `audit log of tenant ${tenantId} does not extend its signed head of size ${previous.treeSize}`,
        );
        throw new AuditError(
          AuditErrorCode.TreeInconsistent,
          'The stored audit log does not extend the last signed tree head',
          { treeSize: previous.treeSize },
        );
      }
      const head = this.keyRing.sign({
        tenantId,
        treeSize: size,
        rootHash: tree.root(),
        timestamp: this.clock.now(),
      });
      await this.heads.insert(manager, head);
      for (const anchor of this.anchors) await anchor.anchor(manager, head);
      return head;
    });
  }

  /** Signs every tenant whose log grew since its last head; one tenant's failure skips only it. */
  async signAllDue(): Promise<number> {
    let signed = 0;
    // Which tenants grew is a cross-tenant read (the signer job); each head is signed for its tenant.
    const due = await inJobTransaction(this.dataSource, AuditJobs.TreeHeadSigner, (manager) =>
      this.heads.tenantsDue(manager),
    );
    for (const tenantId of due) {
      try {
        await this.signLatest(tenantId);
        signed += 1;
      } catch (error) {
        this.logger.error(`tree head for tenant ${tenantId} failed: ${(error as Error).message}`);
      }
    }
    return signed;
  }

  /** The newest head of `treeSize`, or the newest head at all. */
  async storedHead(tenantId: string, treeSize?: number): Promise<SignedTreeHead> {
    const head = await this.forTenant(tenantId, (manager) =>
      treeSize === undefined
        ? this.heads.latest(manager, tenantId)
        : this.heads.ofSize(manager, tenantId, treeSize),
    );
    if (!head) {
      throw new AuditError(AuditErrorCode.TreeHeadNotFound, 'No signed tree head of that size');
    }
    return head;
  }

  async storedHeadOrNull(tenantId: string, treeSize: number): Promise<SignedTreeHead | null> {
    return this.forTenant(tenantId, (manager) => this.heads.ofSize(manager, tenantId, treeSize));
  }

  /** A tree over the first `treeSize` leaves, for proofs. */
  async treeOf(manager: EntityManager, tenantId: string, treeSize: number): Promise<MerkleTree> {
    if (treeSize > (await this.logSize(manager, tenantId))) {
      throw new AuditError(
        AuditErrorCode.TreeHeadNotFound,
        'The log is smaller than that tree size',
      );
    }
    return new MerkleTree(await this.leaves.leafHashes(manager, tenantId, treeSize));
  }

  async consistencyProof(tenantId: string, first: number, second: number): Promise<Hash[]> {
    if (first > second) {
      throw new AuditError(AuditErrorCode.InvalidQuery, 'first must not exceed second');
    }
    const tree = await this.forTenant(tenantId, (manager) =>
      this.treeOf(manager, tenantId, second),
    );
    return tree.consistencyProof(first, second);
  }

  async inclusionProof(
    tenantId: string,
    eventId: string,
    treeSize: number,
  ): Promise<InclusionProof> {
    return this.forTenant(tenantId, (manager) =>
      this.inclusionProofIn(manager, tenantId, eventId, treeSize),
    );
  }

  private async inclusionProofIn(
    manager: EntityManager,
    tenantId: string,
    eventId: string,
    treeSize: number,
  ): Promise<InclusionProof> {
    const leaves = await manager.query<{ sequence: string; leaf_hash: Buffer }[]>(
      `SELECT sequence, leaf_hash FROM audit_event_leaf WHERE tenant_id = $1 AND event_id = $2`,
      [tenantId, eventId],
    );
    const leaf = leaves.at(0);
    if (!leaf) throw new AuditError(AuditErrorCode.EventNotFound, 'Audit event not found');
    const leafIndex = Number(leaf.sequence) - 1;
    if (leafIndex >= treeSize) {
      throw new AuditError(
        AuditErrorCode.TreeHeadNotFound,
        'The event is newer than that tree head',
      );
    }
    const tree = await this.treeOf(manager, tenantId, treeSize);
    return {
      leafIndex,
      treeSize,
      leafHash: leaf.leaf_hash,
      proof: tree.inclusionProof(leafIndex, treeSize),
    };
  }

  /** The tenant's newest audit_event sequence (audit_chain_head is no longer written). */
  private async logSize(manager: EntityManager, tenantId: string): Promise<number> {
    const rows = await manager.query<{ sequence: string }[]>(
      'SELECT sequence FROM audit_event WHERE tenant_id = $1 ORDER BY sequence DESC LIMIT 1',
      [tenantId],
    );
    const row = rows.at(0);
    return row ? Number(row.sequence) : 0;
  }

  /** The audit tables are tenant-scoped (row-level security): every read names its tenant. */
  private forTenant<T>(tenantId: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return inTenantTransaction(this.dataSource, tenantId, work);
  }
}
