import { mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  type SignedTreeHead,
  signedTreeHeadFromJson,
  signedTreeHeadToJson,
} from '../../audit-chain/tree-head';

import { type TreeHeadAnchor } from './tree-head-anchor.port';

/**
 * One append-only NDJSON file per tenant (`<tenant>.tree-heads.ndjson`), each line a signed
 * tree head in its portable JSON form. Opened in append mode and fsynced before the head's
 * transaction commits. Point the directory at storage the database's operators cannot
 * rewrite (a WORM volume, an object-lock bucket mounted read-append, a separate host).
 */
export class FileTreeHeadAnchor implements TreeHeadAnchor {
  readonly name = 'file';

  constructor(private readonly directory: string) {}

  async anchor(_manager: unknown, head: SignedTreeHead): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    const file = await open(anchorFilePath(this.directory, head.tenantId), 'a');
    try {
      await file.appendFile(`${JSON.stringify(signedTreeHeadToJson(head))}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
  }
}

/** Tenant ids are path-safe by contract, but a file name never trusts that. */
export function anchorFilePath(directory: string, tenantId: string): string {
  return join(directory, `${encodeURIComponent(tenantId)}.tree-heads.ndjson`);
}

/** Every head anchored for `tenantId`, oldest first (what an auditor or the verifier reads). */
export async function readAnchoredTreeHeads(
  directory: string,
  tenantId: string,
): Promise<SignedTreeHead[]> {
  let text: string;
  try {
    text = await readFile(anchorFilePath(directory, tenantId), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => signedTreeHeadFromJson(JSON.parse(line)));
}
