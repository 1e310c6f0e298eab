// CPU cost of PHI encryption at rest with a warm data-key cache (the steady state):
//   npm run bench:phi
// Prints microseconds of CPU per operation; nothing is asserted.
import { randomBytes } from 'node:crypto';

import { BlindIndex, EnvKeyEncryption, InMemoryDataKeyStore, PhiCipher } from '../src';

const ROUNDS = 20_000;
const SMS =
  'Harbor Family Practice: your appointment is confirmed for Thu, Mar 14 at 9:30 AM EDT. Please arrive 10 minutes early. Reply STOP to opt out.';

async function cpuMicrosPer(work: (i: number) => unknown): Promise<string> {
  await work(-1);
  const start = process.cpuUsage();
  for (let i = 0; i < ROUNDS; i += 1) await work(i);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) / ROUNDS).toFixed(1);
}

async function main(): Promise<void> {
  const kek = randomBytes(32).toString('base64');
  const sut = new PhiCipher({
    kms: new EnvKeyEncryption({ reveal: () => ({ bench: kek }) }, 'bench'),
    store: new InMemoryDataKeyStore(),
  });
  const blindIndex = new BlindIndex({ reveal: () => randomBytes(32).toString('base64') });
  const payload = randomBytes(700);
  const field = (i: number) => ({
    tenantId: 't',
    table: 'message',
    column: 'body',
    rowKey: `${i}`,
  });

  const text = await cpuMicrosPer(async (i) =>
    sut.decryptText(field(i), await sut.encryptText(field(i), SMS)),
  );
  const bytes = await cpuMicrosPer(async (i) =>
    sut.decryptBytes(field(i), await sut.encryptBytes(field(i), payload)),
  );
  const hash = await cpuMicrosPer(() => blindIndex.phoneLookupHash('t', '+14155552671'));
  console.log(`text field (SMS body) encrypt + decrypt   ${text} µs CPU`);
  console.log(`700-byte outbox payload seal + open       ${bytes} µs CPU`);
  console.log(`phone lookup hash (HMAC-SHA-256)          ${hash} µs CPU`);
}

void main();
