import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

import { z } from 'zod';

import { canonicalJson } from './canonical-json';

/** Names the signed bytes' layout; a new layout gets a new name, old heads stay verifiable. */
export const TREE_HEAD_FORMAT = 'caredispatch.tree-head.v1';

/** "The tenant's log had `treeSize` leaves whose RFC 9162 root is `rootHash`", at `timestamp`. */
export interface TreeHead {
  readonly tenantId: string;
  readonly treeSize: number;
  readonly rootHash: Buffer;
  readonly timestamp: Date;
}

export interface SignedTreeHead extends TreeHead {
  readonly keyId: string;
  /** Ed25519 over `treeHeadSigningInput(head)`. */
  readonly signature: Buffer;
}

/**
 * The bytes an Ed25519 key signs: canonical JSON (sorted keys, no whitespace) of the head,
 * with the format name inside so a signature can never be replayed as another statement.
 */
export function treeHeadSigningInput(head: TreeHead): Buffer {
  return Buffer.from(
    canonicalJson({
      format: TREE_HEAD_FORMAT,
      tenant_id: head.tenantId,
      tree_size: String(head.treeSize),
      root_hash: head.rootHash.toString('hex'),
      timestamp: head.timestamp.toISOString(),
    }),
    'utf8',
  );
}

export interface PublicKeyEntry {
  readonly keyId: string;
  readonly publicKey: KeyObject;
}

/**
 * Tree-head keys: the newest (the one with the private half) signs; every public key,
 * including retired ones, verifies. Rotation = add a new signing key, keep the old public
 * key in the verification list forever (old heads stay checkable).
 */
export class TreeHeadKeyRing {
  private readonly publicKeys: ReadonlyMap<string, KeyObject>;

  constructor(
    private readonly signing: { readonly keyId: string; readonly privateKey: KeyObject },
    retired: readonly PublicKeyEntry[] = [],
  ) {
    if (signing.privateKey.asymmetricKeyType !== 'ed25519') {
      throw new Error('tree-head signing key must be an Ed25519 private key');
    }
    const keys = new Map<string, KeyObject>();
    for (const entry of retired) keys.set(entry.keyId, entry.publicKey);
    if (keys.has(signing.keyId)) {
      throw new Error(`tree-head key id ${signing.keyId} is both signing and retired`);
    }
    keys.set(signing.keyId, createPublicKey(signing.privateKey));
    this.publicKeys = keys;
  }

  get signingKeyId(): string {
    return this.signing.keyId;
  }

  sign(head: TreeHead): SignedTreeHead {
    return {
      ...head,
      keyId: this.signing.keyId,
      signature: sign(null, treeHeadSigningInput(head), this.signing.privateKey),
    };
  }

  /** Every verification key, newest (signing) last. */
  publicKeyEntries(): PublicKeyEntry[] {
    return [...this.publicKeys].map(([keyId, publicKey]) => ({ keyId, publicKey }));
  }
}

export function verifyTreeHeadSignature(
  head: SignedTreeHead,
  publicKeys: readonly PublicKeyEntry[],
): boolean {
  const key = publicKeys.find((entry) => entry.keyId === head.keyId);
  if (!key || key.publicKey.asymmetricKeyType !== 'ed25519') return false;
  return verify(null, treeHeadSigningInput(head), key.publicKey, head.signature);
}

// --- Portable JSON forms: what anchors store and what the offline verifier reads. ---

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 32 bytes of lowercase hex');

export const signedTreeHeadJsonSchema = z.object({
  format: z.literal(TREE_HEAD_FORMAT),
  tenantId: z.string().min(1),
  treeSize: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  rootHash: hex32,
  timestamp: z.string().datetime({ precision: 3 }),
  keyId: z.string().min(1),
  signature: z.string().base64(),
});

export type SignedTreeHeadJson = z.output<typeof signedTreeHeadJsonSchema>;

export function signedTreeHeadToJson(head: SignedTreeHead): SignedTreeHeadJson {
  return {
    format: TREE_HEAD_FORMAT,
    tenantId: head.tenantId,
    treeSize: head.treeSize,
    rootHash: head.rootHash.toString('hex'),
    timestamp: head.timestamp.toISOString(),
    keyId: head.keyId,
    signature: head.signature.toString('base64'),
  };
}

export function signedTreeHeadFromJson(json: unknown): SignedTreeHead {
  const parsed = signedTreeHeadJsonSchema.parse(json);
  return {
    tenantId: parsed.tenantId,
    treeSize: parsed.treeSize,
    rootHash: Buffer.from(parsed.rootHash, 'hex'),
    timestamp: new Date(parsed.timestamp),
    keyId: parsed.keyId,
    signature: Buffer.from(parsed.signature, 'base64'),
  };
}

/** A published verification key: Ed25519 SubjectPublicKeyInfo, DER, base64. */
export interface PublicKeyJson {
  readonly keyId: string;
  readonly algorithm: 'Ed25519';
  readonly publicKey: string;
}

export const publicKeyJsonSchema = z.object({
  keyId: z.string().min(1),
  algorithm: z.literal('Ed25519'),
  publicKey: z.string().base64(),
});

export function publicKeyToJson(entry: PublicKeyEntry): PublicKeyJson {
  return {
    keyId: entry.keyId,
    algorithm: 'Ed25519',
    publicKey: entry.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
  };
}

export function publicKeyFromJson(json: unknown): PublicKeyEntry {
  const parsed = publicKeyJsonSchema.parse(json);
  const publicKey = createPublicKey({
    key: Buffer.from(parsed.publicKey, 'base64'),
    format: 'der',
    type: 'spki',
  });
  if (publicKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`key ${parsed.keyId} is not an Ed25519 public key`);
  }
  return { keyId: parsed.keyId, publicKey };
}

/** `keyId:base64(PKCS#8 DER)`, the environment's form of a signing key. */
export function parseSigningKey(text: string): { keyId: string; privateKey: KeyObject } {
  const [keyId, der, ...rest] = text.trim().split(':');
  if (!keyId || !der || rest.length > 0) throw new Error('expected <keyId>:<base64 PKCS#8 DER>');
  const privateKey = createPrivateKey({
    key: Buffer.from(der, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 private key');
  return { keyId, privateKey };
}

/** `keyId:base64(SPKI DER)`, the environment's form of a retired verification key. */
export function parsePublicKey(text: string): PublicKeyEntry {
  const [keyId, der, ...rest] = text.trim().split(':');
  if (!keyId || !der || rest.length > 0) throw new Error('expected <keyId>:<base64 SPKI DER>');
  return publicKeyFromJson({ keyId, algorithm: 'Ed25519', publicKey: der });
}
