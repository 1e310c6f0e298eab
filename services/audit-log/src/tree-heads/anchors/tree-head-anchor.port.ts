import { type EntityManager } from 'typeorm';

import { type SignedTreeHead } from '../../audit-chain/tree-head';

/**
 * A place outside the audit database where signed tree heads are kept, so that whoever can
 * rewrite that database (an owner, a superuser, a restored backup) cannot also rewrite the
 * heads that an offline verifier checks the log against.
 *
 * `anchor` runs inside the transaction that stores the head. It either succeeds or throws:
 * a throw rolls the head back and the next scheduled run signs and anchors again. There is no
 * "outcome unknown" to reconcile: an anchored copy of a head whose row then failed to commit
 * is still a true signed statement about the log, so a retry never has to undo one.
 */
export interface TreeHeadAnchor {
  /** Names the anchor in logs and in the API's anchor list. */
  readonly name: string;
  anchor(manager: EntityManager, head: SignedTreeHead): Promise<void>;
}

export const TREE_HEAD_ANCHORS = Symbol('TREE_HEAD_ANCHORS');
