import { generateKeyPairSync } from 'node:crypto';

import {
  parsePublicKey,
  parseSigningKey,
  publicKeyFromJson,
  publicKeyToJson,
  signedTreeHeadFromJson,
  signedTreeHeadToJson,
  type TreeHead,
  TreeHeadKeyRing,
  verifyTreeHeadSignature,
} from './tree-head';

function ed25519() {
  return generateKeyPairSync('ed25519');
}

const head: TreeHead = {
  tenantId: 'acme',
  treeSize: 42,
  rootHash: Buffer.alloc(32, 7),
  timestamp: new Date('2030-01-01T09:00:00.123Z'),
};

describe(TreeHeadKeyRing.name, () => {
  it('should sign with the newest key and verify with any published key', () => {
    const old = ed25519();
    const current = ed25519();
    const sut = new TreeHeadKeyRing({ keyId: 'k2', privateKey: current.privateKey }, [
      { keyId: 'k1', publicKey: old.publicKey },
    ]);

    const signed = sut.sign(head);

    expect(signed.keyId).toBe('k2');
    expect(sut.publicKeyEntries().map((entry) => entry.keyId)).toEqual(['k1', 'k2']);
    expect(verifyTreeHeadSignature(signed, sut.publicKeyEntries())).toBe(true);
    // A head signed before the rotation still verifies against the retired public key.
    const beforeRotation = new TreeHeadKeyRing({ keyId: 'k1', privateKey: old.privateKey }).sign(
      head,
    );
    expect(verifyTreeHeadSignature(beforeRotation, sut.publicKeyEntries())).toBe(true);
  });

  it('should reject a head whose size, root, tenant or time was changed after signing', () => {
    const sut = new TreeHeadKeyRing({ keyId: 'k1', privateKey: ed25519().privateKey });
    const signed = sut.sign(head);
    const keys = sut.publicKeyEntries();

    expect(verifyTreeHeadSignature({ ...signed, treeSize: 41 }, keys)).toBe(false);
    expect(verifyTreeHeadSignature({ ...signed, rootHash: Buffer.alloc(32, 8) }, keys)).toBe(false);
    expect(verifyTreeHeadSignature({ ...signed, tenantId: 'other' }, keys)).toBe(false);
    expect(verifyTreeHeadSignature({ ...signed, timestamp: new Date(0) }, keys)).toBe(false);
    expect(verifyTreeHeadSignature({ ...signed, keyId: 'unknown' }, keys)).toBe(false);
  });

  it('should reject a head signed by a key that is not published', () => {
    const forger = new TreeHeadKeyRing({ keyId: 'k1', privateKey: ed25519().privateKey });
    const genuine = new TreeHeadKeyRing({ keyId: 'k1', privateKey: ed25519().privateKey });

    expect(verifyTreeHeadSignature(forger.sign(head), genuine.publicKeyEntries())).toBe(false);
  });

  it('should refuse a retired key id equal to the signing key id', () => {
    const pair = ed25519();
    expect(
      () =>
        new TreeHeadKeyRing({ keyId: 'k1', privateKey: pair.privateKey }, [
          { keyId: 'k1', publicKey: pair.publicKey },
        ]),
    ).toThrow(/both signing and retired/);
  });

  it('should round-trip heads and keys through their JSON and environment forms', () => {
    const pair = ed25519();
    const pkcs8 = pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
    const spki = pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const sut = new TreeHeadKeyRing(parseSigningKey(`k9:${pkcs8}`));
    const signed = sut.sign(head);

    const restored = signedTreeHeadFromJson(
      JSON.parse(JSON.stringify(signedTreeHeadToJson(signed))),
    );
    const keys = [publicKeyFromJson(publicKeyToJson(parsePublicKey(`k9:${spki}`)))];

    expect(restored).toEqual(signed);
    expect(verifyTreeHeadSignature(restored, keys)).toBe(true);
    expect(() => parseSigningKey('no-separator')).toThrow(/keyId/);
    expect(() =>
      signedTreeHeadFromJson({ ...signedTreeHeadToJson(signed), rootHash: 'zz' }),
    ).toThrow();
  });
});
