import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { z } from 'zod';

import {
  publicKeyFromJson,
  type SignedTreeHead,
  signedTreeHeadFromJson,
} from '../audit-chain/tree-head';

import { verifyExport } from './verify-export';

/**
 * npm run audit:verify -- --export trail.ndjson --tree-head head.json --public-keys keys.json
 *   [--anchored-head anchor.ndjson --consistency-proof proof.json]
 *
 * Needs nothing from the server: the export, a head (a JSON object, or an anchor NDJSON file
 * from which the head of the export's size is taken), the published keys (JSON array as
 * served by /v1/audit/tree-head-keys), and optionally an earlier anchored head with the
 * consistency proof from it to the export's head. Prints a JSON report; exit 0 = verified,
 * 1 = verification failed, 2 = bad input.
 */
const USAGE =
  'usage: audit:verify --export <ndjson> --tree-head <json|ndjson> --public-keys <json> ' +
  '[--anchored-head <json|ndjson> --consistency-proof <json>]';

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      export: { type: 'string' },
      'tree-head': { type: 'string' },
      'public-keys': { type: 'string' },
      'anchored-head': { type: 'string' },
      'consistency-proof': { type: 'string' },
    },
  });
  if (!values.export || !values['tree-head'] || !values['public-keys']) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const lines = readFileSync(values.export, 'utf8').split('\n');
  const treeSize = exportTreeSize(lines);
  const treeHead = pickHead(readHeads(values['tree-head']), (head) => head.treeSize === treeSize);
  const publicKeys = z
    .array(z.unknown())
    .parse(readJson(values['public-keys']))
    .map(publicKeyFromJson);
  let anchored;
  if (values['anchored-head']) {
    if (!values['consistency-proof']) throw new Error('--anchored-head needs --consistency-proof');
    const proof = z
      .object({
        first: z.number(),
        second: z.number(),
        proof: z.array(z.string().regex(/^[0-9a-f]{64}$/)),
      })
      .parse(readJson(values['consistency-proof']));
    if (proof.second !== treeHead.treeSize) {
      throw new Error(`the consistency proof ends at ${proof.second}, not ${treeHead.treeSize}`);
    }
    // The anchored head the proof starts from (an anchor file holds many).
    const head = pickHead(readHeads(values['anchored-head']), (c) => c.treeSize === proof.first);
    anchored = { head, consistencyProof: proof.proof.map((hash) => Buffer.from(hash, 'hex')) };
  }
  const report = verifyExport({ lines, treeHead, publicKeys, anchored });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  return report.valid ? 0 : 1;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** One head (a JSON file) or every head of an anchor file (NDJSON), oldest first. */
function readHeads(path: string): SignedTreeHead[] {
  const text = readFileSync(path, 'utf8').trim();
  if (text.startsWith('[')) return (JSON.parse(text) as unknown[]).map(signedTreeHeadFromJson);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.map((line) => signedTreeHeadFromJson(JSON.parse(line)));
}

function pickHead(
  heads: SignedTreeHead[],
  wanted: (head: SignedTreeHead) => boolean,
): SignedTreeHead {
  // The earliest anchored: a later line of the same size can only be newer, never more trusted.
  const head = heads.find(wanted);
  if (!head) throw new Error('no suitable tree head in the given file');
  return head;
}

/** The tree size the export's proofs refer to (every line must agree; the verifier re-checks). */
function exportTreeSize(lines: string[]): number {
  const first = lines.find((line) => line.trim() !== '');
  if (!first) throw new Error('the export is empty');
  const match = /"url":"treeSize","valueString":"(\d+)"/.exec(first);
  if (!match) throw new Error('the export has no tree size');
  return Number(match[1]);
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`audit:verify: ${(error as Error).message}\n${USAGE}\n`);
  process.exitCode = 2;
}
