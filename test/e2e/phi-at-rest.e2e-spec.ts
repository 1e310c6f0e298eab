import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

import {
  FhirAppointmentBuilder,
  newWebhookSecret,
  type ServiceName,
  Stack,
} from '@caredispatch/testing';

import { postBooking, settledSmsTo, type TenantCredentials, uniquePhone } from './support/flow';

jest.setTimeout(600_000);

const run = promisify(execFile);
const DUMPED: readonly ServiceName[] = ['ehr-gateway', 'scheduling', 'messaging', 'audit-log'];

/** Letters only, unique per run: a hit in a dump can only be this test's patient. */
function plantedName(): string {
  const letters = [...randomBytes(8)].map((byte) => String.fromCharCode(97 + (byte % 26)));
  return `Q${letters.join('')}`;
}

/** Every spelling of a US number a reader of a dump could search for. */
function phoneSpellings(phone: { display: string; e164: string }): string[] {
  const national = phone.e164.slice(2);
  return [
    phone.e164,
    phone.e164.slice(1),
    national,
    phone.display,
    `${national.slice(0, 3)}-${national.slice(3, 6)}-${national.slice(6)}`,
    `${national.slice(0, 3)}.${national.slice(3, 6)}.${national.slice(6)}`,
  ];
}

async function logsOf(directory: string): Promise<string> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  const texts = await Promise.all(
    files.map((file) => readFile(join(file.parentPath, file.name), 'utf8')),
  );
  return texts.join('\n');
}

describe('PHI at rest: a database dump holds no readable patient name, phone or message text', () => {
  const tenant: TenantCredentials = {
    tenantId: `clinic-${randomUUID().slice(0, 8)}`,
    secret: newWebhookSecret(),
  };
  const sut = new Stack({ tenants: { [tenant.tenantId]: tenant.secret } });

  beforeAll(() => sut.start());
  afterAll(() => sut.stop());

  it('should keep the first flow working while every service database dump and log stays clean', async () => {
    const phone = uniquePhone();
    const given = plantedName();
    const family = plantedName();
    const email = `${given}.${family}@example.org`.toLowerCase();
    const booking = FhirAppointmentBuilder.booking({
      patientPhone: phone.display,
      patientGivenNames: [given],
      patientFamilyName: family,
      patientEmail: email,
      organizationName: 'Harbor Family Practice',
    });

    expect((await postBooking(sut, tenant, booking)).status).toBe(202);
    const texts = await settledSmsTo(sut, phone.e164, 1);
    expect(texts.map((sms) => sms.to)).toEqual([phone.e164]);
    const messageText = texts[0].body;
    expect(messageText).toContain('Harbor Family Practice');

    const planted = [given, family, email, messageText, ...phoneSpellings(phone)];
    for (const service of DUMPED) {
      const { stdout: dump } = await run('pg_dump', ['--no-owner', sut.database(service).url], {
        maxBuffer: 256 * 1024 * 1024,
      });
      // The dump does hold this run's data: the tenant's rows are there, only unreadable.
      expect(dump).toContain(tenant.tenantId);
      const readable = planted.filter((value) => dump.toLowerCase().includes(value.toLowerCase()));
      expect({ service, readable }).toEqual({ service, readable: [] });
    }
    const patients = await sut
      .database('scheduling')
      .query<{ given_name: string; phone_lookup_hash: string | null }>(
        'SELECT given_name, phone_lookup_hash FROM patient WHERE tenant_id = $1',
        [tenant.tenantId],
      );
    expect(patients).toHaveLength(1);
    expect(patients[0].given_name).toMatch(/^phi1\./);
    expect(patients[0].phone_lookup_hash).toMatch(/^[0-9a-f]{64}$/);

    const logs = await logsOf(sut.logDir);
    expect(logs).toContain(tenant.tenantId);
    expect(planted.filter((value) => logs.includes(value))).toEqual([]);
  });
});
