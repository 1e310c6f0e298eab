import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { freePort, KAFKA_BROKERS, ServiceProcess, ThrowawayDatabase } from '@caredispatch/testing';

jest.setTimeout(600_000);

const repoRoot = join(__dirname, '../..');
const ALL_SERVICES = [
  'ehr-gateway',
  'scheduling',
  'messaging',
  'dispatch-optimizer',
  'waitlist',
  'audit-log',
] as const;

describe('service lifecycle', () => {
  it.each(ALL_SERVICES)('%s should refuse to start and name each bad variable', (service) => {
    const result = spawnSync(
      process.execPath,
      ['-r', '@swc-node/register', join('services', service, 'src', 'main.ts')],
      {
        cwd: repoRoot,
        env: { PATH: process.env.PATH, HTTP_PORT: 'not-a-port', KAFKA_BROKERS: 'nowhere' },
        encoding: 'utf8',
        timeout: 60_000,
      },
    );

    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/HTTP_PORT: /);
    expect(result.stderr).toMatch(/DATABASE_URL: /);
    expect(result.stderr).toMatch(/KAFKA_BROKERS: /);
  });

  describe.each(['dispatch-optimizer', 'waitlist'] as const)('%s shell', (service) => {
    let database: ThrowawayDatabase;
    let sut: ServiceProcess;

    beforeAll(async () => {
      database = await ThrowawayDatabase.create(`e2e_${service.replace('-', '_')}`);
      sut = new ServiceProcess({
        service,
        port: await freePort(),
        env: { DATABASE_URL: database.url, KAFKA_BROKERS, LOG_LEVEL: 'warn' },
      });
      await sut.start();
    });
    afterAll(async () => {
      await sut.stop();
      await database.drop();
    });

    it('should be live, and ready only with its database and Kafka up', async () => {
      const live = await fetch(`${sut.baseUrl}/health/live`);
      const ready = await fetch(`${sut.baseUrl}/health/ready`);

      expect(live.status).toBe(200);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { database: 'up', kafka: 'up' },
      });
    });

    it('should have run its migrations', async () => {
      const tables = await database.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
      );

      expect(tables.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['outbox_message']),
      );
    });

    it('should exit cleanly on SIGTERM', async () => {
      expect(await sut.stop()).toEqual({ code: 0, signal: null });
    });
  });
});
