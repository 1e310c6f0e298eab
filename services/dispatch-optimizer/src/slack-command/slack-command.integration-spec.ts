import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type INestApplication, Injectable, Module } from '@nestjs/common';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';

import {
  CLOCK,
  configureHttpApp,
  noDomainErrors,
  ServiceConfigModule,
  systemClockProvider,
} from '@caredispatch/platform';
import { phiEnvironment, TEST_AUDIENCE } from '@caredispatch/testing';

import { dispatchOptimizerConfigSchema } from '../config';

import {
  SLACK_CALL_OUT_PORT,
  type SlackCallOutPort,
  type SlackCallOutRequest,
  type SlackCallOutResult,
} from './call-out.port';
import { SLACK_COMMAND_PATH, SlackCommandController } from './slack-command.controller';
import { signSlackRequest } from './slack-request-signature';

const SIGNING_SECRET = 'test-signing-secret';
const NOW = new Date('2026-12-08T15:00:00Z');

/** Stands for dispatch-plan's call-out service: records what the command asked for. */
@Injectable()
class RecordingCallOuts implements SlackCallOutPort {
  static readonly requests: SlackCallOutRequest[] = [];

  callOutBySlackUser(request: SlackCallOutRequest): Promise<SlackCallOutResult> {
    RecordingCallOuts.requests.push(request);
    return Promise.resolve({ outcome: 'accepted', callOutId: 'co-1' });
  }
}

const config = dispatchOptimizerConfigSchema.parse({
  DATABASE_URL: 'postgres://unused:unused@127.0.0.1:1/unused',
  KAFKA_BROKERS: '127.0.0.1:1',
  // No HTTP route is authenticated here: the issuer is never reached.
  OIDC_ISSUER_URL: 'http://127.0.0.1:1/unused-issuer',
  OIDC_AUDIENCE: TEST_AUDIENCE,
  ...phiEnvironment(),
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_TEAM_TENANTS: JSON.stringify({ T0TEAM: 'tenant-a' }),
});

@Module({
  imports: [ServiceConfigModule.forRoot(config)],
  controllers: [SlackCommandController],
  providers: [systemClockProvider, { provide: SLACK_CALL_OUT_PORT, useClass: RecordingCallOuts }],
})
class TestModule {}

const form = new URLSearchParams({
  token: 'legacy-verification-token-ignored',
  team_id: 'T0TEAM',
  user_id: 'U0PROVIDER',
  command: '/callout',
  text: 'fever',
  trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
}).toString();

describe('Slack /callout command', () => {
  let app: INestApplication;
  let url: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] })
      .overrideProvider(CLOCK)
      .useValue({ now: () => NOW })
      .compile();
    // Nest types its options as a class but documents and expects a plain object here.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const nest = moduleRef.createNestApplication<NestExpressApplication>({
      logger: false,
      bodyParser: false,
      rawBody: true,
    });
    configureHttpApp(nest, { errors: noDomainErrors, rawBody: true, urlencoded: true });
    await nest.listen(0, '127.0.0.1');
    app = nest;
    const server = app.getHttpServer() as Server;
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SLACK_COMMAND_PATH}`;
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(() => {
    RecordingCallOuts.requests.length = 0;
  });

  function post(headers: Record<string, string>, body = form): Promise<Response> {
    return fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body,
    });
  }

  function signed(timestamp: Date, secret = SIGNING_SECRET, body = form): Record<string, string> {
    const ts = String(Math.floor(timestamp.getTime() / 1000));
    return {
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signSlackRequest(secret, ts, body),
    };
  }

  it('should record a call-out for a correctly signed, fresh command', async () => {
    const sut = await post(signed(NOW));

    expect(sut.status).toBe(200);
    expect(await sut.json()).toMatchObject({ response_type: 'ephemeral' });
    expect(RecordingCallOuts.requests).toEqual([
      {
        tenantId: 'tenant-a',
        slackUserId: 'U0PROVIDER',
        reason: 'fever',
        from: NOW,
        idempotencyKey: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
      },
    ]);
  });

  it('should change nothing for a bad signature', async () => {
    const sut = await post(signed(NOW, 'not-the-secret'));

    expect(sut.status).toBe(401);
    expect(RecordingCallOuts.requests).toEqual([]);
  });

  it('should change nothing for a body altered after signing', async () => {
    const sut = await post(signed(NOW), form.replace('U0PROVIDER', 'U0SOMEONE'));

    expect(sut.status).toBe(401);
    expect(RecordingCallOuts.requests).toEqual([]);
  });

  it('should change nothing for a correctly signed request older than five minutes', async () => {
    const sut = await post(signed(new Date(NOW.getTime() - 5 * 60_000 - 1_000)));

    expect(sut.status).toBe(401);
    expect(RecordingCallOuts.requests).toEqual([]);
  });

  it('should change nothing without signature headers', async () => {
    const sut = await post({});

    expect(sut.status).toBe(401);
    expect(RecordingCallOuts.requests).toEqual([]);
  });
});
