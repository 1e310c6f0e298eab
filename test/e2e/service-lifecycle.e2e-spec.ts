import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

import { Kafka, logLevel } from 'kafkajs';

import { Topics } from '@caredispatch/contracts';
import {
  eventually,
  freePort,
  KAFKA_BROKERS,
  OFFLINE_OIDC_ENVIRONMENT,
  phiEnvironment,
  ServiceProcess,
  startGroupAtTopicEnds,
  TcpProxy,
  ThrowawayDatabase,
} from '@caredispatch/testing';

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
/** What each shell consumes (see its app.module.ts); the waitlist shell consumes nothing. */
const CONSUMED_TOPICS: Record<'dispatch-optimizer' | 'waitlist', readonly string[]> = {
  'dispatch-optimizer': [Topics.SchedulingAppointmentV1, Topics.DispatchPlanV1],
  waitlist: [],
};

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
    // The service reaches its database through a proxy the test can cut and restore.
    let databaseLink: TcpProxy;
    let sut: ServiceProcess;

    beforeAll(async () => {
      database = await ThrowawayDatabase.create(`e2e_${service.replace('-', '_')}`);
      const databaseUrl = new URL(database.url);
      databaseLink = new TcpProxy({
        host: databaseUrl.hostname,
        port: Number(databaseUrl.port || 5432),
      });
      databaseUrl.port = String((await databaseLink.start()).port);
      // A group of this run's own, starting at the topics' ends: the default group is shared
      // with every other run on the broker, and an earlier poison message (dead-letter spec)
      // would hold its partition, and readiness, while it is attempted.
      const group = `${service}-${randomBytes(3).toString('hex')}`;
      const admin = new Kafka({
        clientId: group,
        brokers: KAFKA_BROKERS.split(','),
        logLevel: logLevel.NOTHING,
      }).admin();
      await admin.connect();
      try {
        await startGroupAtTopicEnds(admin, group, CONSUMED_TOPICS[service]);
      } finally {
        await admin.disconnect();
      }
      sut = new ServiceProcess({
        service,
        port: await freePort(),
        env: {
          DATABASE_URL: databaseUrl.toString(),
          DATABASE_MIGRATION_URL: databaseUrl.toString(),
          KAFKA_BROKERS,
          KAFKA_CLIENT_ID: group,
          KAFKA_CONSUMER_GROUP: group,
          LOG_LEVEL: 'warn',
          // Health and metrics only: no token is ever verified.
          ...OFFLINE_OIDC_ENVIRONMENT,
          // dispatch-optimizer encrypts patient names and addresses at rest.
          ...(service === 'dispatch-optimizer' ? phiEnvironment() : {}),
        },
      });
      await sut.start();
    });
    afterAll(async () => {
      await sut.stop();
      await databaseLink.stop();
      await database.drop();
    });

    const readiness = async (): Promise<{ status: number; body: unknown }> => {
      const response = await fetch(`${sut.baseUrl}/health/ready`);
      return { status: response.status, body: await response.json() };
    };

    it('should be live and ready with its database and Kafka up', async () => {
      const live = await fetch(`${sut.baseUrl}/health/live`);

      expect(live.status).toBe(200);
      expect(await readiness()).toEqual({
        status: 200,
        body: { status: 'ready', checks: { database: 'up', kafka: 'up' } },
      });
    });

    it('should answer 503 naming the database while it is unreachable, and be ready again once it is back', async () => {
      databaseLink.cut();
      const unreachable = await eventually(
        async () => {
          const answer = await readiness();
          return answer.status === 503 ? answer : undefined;
        },
        60_000,
        'readiness to notice the database is gone',
      );
      const live = await fetch(`${sut.baseUrl}/health/live`);

      databaseLink.restore();
      const back = await eventually(
        async () => {
          const answer = await readiness();
          return answer.status === 200 ? answer : undefined;
        },
        60_000,
        'readiness to recover with the database',
      );

      // A service that consumes may also report its consumer stalled on the same outage
      // (dispatch-optimizer does); what must hold is that readiness names the database.
      expect(unreachable.body).toMatchObject({
        status: 'not-ready',
        checks: { database: 'down' },
      });
      expect(live.status).toBe(200);
      expect(back.body).toEqual({ status: 'ready', checks: { database: 'up', kafka: 'up' } });
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
