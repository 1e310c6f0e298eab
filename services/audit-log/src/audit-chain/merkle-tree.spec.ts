import fc from 'fast-check';

import {
  EMPTY_TREE_HASH,
  type Hash,
  leafHash,
  MerkleTree,
  splitPoint,
  verifyConsistency,
  verifyInclusion,
} from './merkle-tree';

const hex = (hash: Hash) => hash.toString('hex');
const unhex = (text: string) => Buffer.from(text, 'hex');

// The Certificate Transparency reference tree (RFC 6962/9162 test data used by every CT log).
const REFERENCE_LEAVES = [
  '',
  '00',
  '10',
  '2021',
  '3031',
  '40414243',
  '5051525354555657',
  '606162636465666768696a6b6c6d6e6f',
].map((data) => leafHash(unhex(data)));

const REFERENCE_ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** Leaf hashes of `count` distinct byte strings. */
function leavesOf(data: readonly Uint8Array[]): Hash[] {
  return data.map((bytes) => leafHash(bytes));
}

const logData = (minLength: number) =>
  fc.array(fc.uint8Array({ maxLength: 24 }), { minLength, maxLength: 70 });

describe(MerkleTree.name, () => {
  it('should compute the reference roots for every size 0..8', () => {
    const sut = new MerkleTree(REFERENCE_LEAVES);

    expect([0, 1, 2, 3, 4, 5, 6, 7, 8].map((size) => hex(sut.root(size)))).toEqual(REFERENCE_ROOTS);
    expect(hex(EMPTY_TREE_HASH)).toBe(REFERENCE_ROOTS[0]);
  });

  it('should produce the reference inclusion proofs', () => {
    const sut = new MerkleTree(REFERENCE_LEAVES);

    expect(sut.inclusionProof(0, 8).map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(sut.inclusionProof(5, 8).map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
  });

  it('should produce the reference consistency proof from 2 to 5 leaves', () => {
    const sut = new MerkleTree(REFERENCE_LEAVES);

    const proof = sut.consistencyProof(2, 5);

    expect(proof.map(hex)).toEqual([
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    ]);
    expect(
      verifyConsistency(2, 5, unhex(REFERENCE_ROOTS[2]), unhex(REFERENCE_ROOTS[5]), proof),
    ).toBe(true);
  });

  it('should split at the largest power of two below n, not the midpoint', () => {
    expect([2, 3, 5, 6, 7, 8, 9, 13].map(splitPoint)).toEqual([1, 2, 4, 4, 4, 4, 8, 8]);
  });

  it('should refuse sizes and indexes outside the leaves it holds', () => {
    const sut = new MerkleTree(REFERENCE_LEAVES.slice(0, 3));

    expect(() => sut.root(4)).toThrow(RangeError);
    expect(() => sut.inclusionProof(3, 3)).toThrow(RangeError);
    expect(() => sut.consistencyProof(3, 2)).toThrow(RangeError);
  });

  it('should verify every inclusion proof of every leaf in every tree size', () => {
    fc.assert(
      fc.property(logData(1), (data) => {
        const leaves = leavesOf(data);
        const sut = new MerkleTree(leaves);
        for (let size = 1; size <= leaves.length; size += 1) {
          const root = sut.root(size);
          for (let index = 0; index < size; index += 1) {
            const proof = sut.inclusionProof(index, size);
            if (!verifyInclusion(leaves[index], index, size, proof, root)) return false;
          }
        }
        return true;
      }),
      { numRuns: 40 },
    );
  });

  it('should verify every consistency proof between sizes m <= n', () => {
    fc.assert(
      fc.property(logData(1), (data) => {
        const leaves = leavesOf(data);
        const sut = new MerkleTree(leaves);
        for (let second = 1; second <= leaves.length; second += 1) {
          for (let first = 0; first <= second; first += 1) {
            const proof = sut.consistencyProof(first, second);
            const ok = verifyConsistency(first, second, sut.root(first), sut.root(second), proof);
            if (!ok) return false;
          }
        }
        return true;
      }),
      { numRuns: 25 },
    );
  });

  it('should reject an inclusion proof once any leaf of the tree is tampered with', () => {
    fc.assert(
      fc.property(
        logData(1).chain((data) =>
          fc.tuple(
            fc.constant(data),
            fc.nat(data.length - 1),
            fc.nat(data.length - 1),
            fc.uint8Array({ minLength: 1, maxLength: 8 }),
          ),
        ),
        ([data, provenIndex, tamperedIndex, extra]) => {
          const leaves = leavesOf(data);
          const anchoredRoot = new MerkleTree(leaves).root();
          const forged = [...data];
          forged[tamperedIndex] = Buffer.concat([data[tamperedIndex], extra]);
          const forgedLeaves = leavesOf(forged);
          const forgedTree = new MerkleTree(forgedLeaves);
          const proof = forgedTree.inclusionProof(provenIndex);

          // The forger's own proofs no longer lead to the root anchored before the change.
          expect(
            verifyInclusion(
              forgedLeaves[provenIndex],
              provenIndex,
              leaves.length,
              proof,
              anchoredRoot,
            ),
          ).toBe(false);
          // Nor does the forged leaf fit the genuine proof.
          expect(
            verifyInclusion(
              forgedLeaves[tamperedIndex],
              tamperedIndex,
              leaves.length,
              new MerkleTree(leaves).inclusionProof(tamperedIndex),
              anchoredRoot,
            ),
          ).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('should reject a consistency proof when history before the first head was rewritten', () => {
    fc.assert(
      fc.property(
        logData(2).chain((data) =>
          fc.tuple(
            fc.constant(data),
            fc.integer({ min: 1, max: data.length - 1 }),
            fc.uint8Array({ minLength: 1, maxLength: 8 }),
          ),
        ),
        ([data, first, extra]) => {
          const anchoredRoot = new MerkleTree(leavesOf(data)).root(first);
          const forged = [...data];
          const tamperedIndex = first - 1;
          forged[tamperedIndex] = Buffer.concat([data[tamperedIndex], extra]);
          const forgedTree = new MerkleTree(leavesOf(forged));

          expect(
            verifyConsistency(
              first,
              forged.length,
              anchoredRoot,
              forgedTree.root(),
              forgedTree.consistencyProof(first),
            ),
          ).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('should reject proofs with a wrong index, size, or an altered path element', () => {
    const sut = new MerkleTree(REFERENCE_LEAVES);
    const root = sut.root();
    const proof = sut.inclusionProof(5);

    expect(verifyInclusion(REFERENCE_LEAVES[5], 5, 8, proof, root)).toBe(true);
    expect(verifyInclusion(REFERENCE_LEAVES[5], 4, 8, proof, root)).toBe(false);
    expect(verifyInclusion(REFERENCE_LEAVES[5], 5, 6, proof, root)).toBe(false);
    expect(verifyInclusion(REFERENCE_LEAVES[5], 8, 8, proof, root)).toBe(false);
    const altered = proof.map((hash, i) => (i === 1 ? leafHash(hash) : hash));
    expect(verifyInclusion(REFERENCE_LEAVES[5], 5, 8, altered, root)).toBe(false);
    expect(verifyInclusion(REFERENCE_LEAVES[5], 5, 8, [...proof, root], root)).toBe(false);
    expect(verifyConsistency(3, 8, sut.root(3), root, [])).toBe(false);
    expect(verifyConsistency(8, 8, root, root, [])).toBe(true);
  });
});
