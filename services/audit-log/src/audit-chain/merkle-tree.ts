import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The Merkle tree of RFC 9162 §2.1 (Certificate Transparency v2), over a tenant's audit
 * leaves in log order. Pure functions over leaf hashes: the service feeds stored hashes, the
 * offline verifier feeds hashes it recomputed from an export, and both get the same answers.
 *
 * Hashing has domain separation (§2.1.1): a leaf is SHA-256(0x00 ‖ data) and an interior
 * node SHA-256(0x01 ‖ left ‖ right), so no leaf can pose as a subtree.
 */

export type Hash = Buffer;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

export function leafHash(leafData: Uint8Array): Hash {
  return createHash('sha256').update(LEAF_PREFIX).update(leafData).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/** MTH({}) = SHA-256() (§2.1.1). */
export const EMPTY_TREE_HASH: Hash = createHash('sha256').digest();

/** The largest power of two strictly smaller than n (n > 1): the RFC's split point k. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The tree over a list of leaf hashes; subtree hashes are memoised so many proofs from one
 * tree (an export proves every event it lists) cost about one pass over the leaves.
 */
export class MerkleTree {
  private readonly subtrees = new Map<string, Hash>();

  constructor(private readonly leaves: readonly Hash[]) {}

  get size(): number {
    return this.leaves.length;
  }

  /** MTH(D[treeSize]) (§2.1.1). */
  root(treeSize = this.leaves.length): Hash {
    this.assertSize(treeSize);
    return treeSize === 0 ? EMPTY_TREE_HASH : this.subtreeHash(0, treeSize);
  }

  /** PATH(m, D[n]) (§2.1.3.1): the audit path of leaf `index` in the first `treeSize` leaves. */
  inclusionProof(index: number, treeSize = this.leaves.length): Hash[] {
    this.assertSize(treeSize);
    if (!Number.isInteger(index) || index < 0 || index >= treeSize) {
      throw new RangeError(`leaf index ${index} is outside a tree of ${treeSize} leaves`);
    }
    return this.path(index, 0, treeSize);
  }

  /** PROOF(m, D[n]) (§2.1.4.1): proves the tree of `first` leaves is a prefix of `second`'s. */
  consistencyProof(first: number, second = this.leaves.length): Hash[] {
    this.assertSize(second);
    if (!Number.isInteger(first) || first < 0 || first > second) {
      throw new RangeError(`cannot prove consistency from ${first} to ${second} leaves`);
    }
    // The empty tree is a prefix of every tree; the RFC defines proofs for 0 < m only.
    if (first === 0) return [];
    return this.subproof(first, 0, second, true);
  }

  private path(m: number, start: number, end: number): Hash[] {
    const n = end - start;
    if (n === 1) return [];
    const k = splitPoint(n);
    if (m < k) return [...this.path(m, start, start + k), this.subtreeHash(start + k, end)];
    return [...this.path(m - k, start + k, end), this.subtreeHash(start, start + k)];
  }

  private subproof(m: number, start: number, end: number, completeSubtree: boolean): Hash[] {
    const n = end - start;
    if (m === n) return completeSubtree ? [] : [this.subtreeHash(start, end)];
    const k = splitPoint(n);
    if (m <= k) {
      return [
        ...this.subproof(m, start, start + k, completeSubtree),
        this.subtreeHash(start + k, end),
      ];
    }
    return [...this.subproof(m - k, start + k, end, false), this.subtreeHash(start, start + k)];
  }

  private subtreeHash(start: number, end: number): Hash {
    if (end - start === 1) return this.leaves[start];
    const key = `${start}:${end}`;
    const known = this.subtrees.get(key);
    if (known) return known;
    const k = splitPoint(end - start);
    const hash = nodeHash(this.subtreeHash(start, start + k), this.subtreeHash(start + k, end));
    this.subtrees.set(key, hash);
    return hash;
  }

  private assertSize(treeSize: number): void {
    if (!Number.isInteger(treeSize) || treeSize < 0 || treeSize > this.leaves.length) {
      throw new RangeError(
        `tree size ${treeSize} needs that many leaves, ${this.leaves.length} known`,
      );
    }
  }
}

/** §2.1.3.2: does `proof` place `leaf` at `index` in a tree of `treeSize` with `root`? */
export function verifyInclusion(
  leaf: Hash,
  index: number,
  treeSize: number,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize)) return false;
  if (index < 0 || index >= treeSize) return false;
  let fn = BigInt(index);
  let sn = BigInt(treeSize - 1);
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalHashes(r, root);
}

/** §2.1.4.2: does `proof` show the tree (`first`, `firstRoot`) is a prefix of (`second`, `secondRoot`)? */
export function verifyConsistency(
  first: number,
  second: number,
  firstRoot: Hash,
  secondRoot: Hash,
  proof: readonly Hash[],
): boolean {
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(second)) return false;
  if (first < 0 || first > second) return false;
  if (first === 0) return proof.length === 0 && equalHashes(firstRoot, EMPTY_TREE_HASH);
  if (first === second) return proof.length === 0 && equalHashes(firstRoot, secondRoot);
  if (proof.length === 0) return false;
  // A first tree of 2^x leaves is itself a complete subtree: its root starts the path.
  const path = isPowerOfTwo(first) ? [firstRoot, ...proof] : [...proof];
  let fn = BigInt(first - 1);
  let sn = BigInt(second - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalHashes(fr, firstRoot) && equalHashes(sr, secondRoot);
}

function isPowerOfTwo(n: number): boolean {
  const value = BigInt(n);
  return value > 0n && (value & (value - 1n)) === 0n;
}

function equalHashes(a: Hash, b: Hash): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
