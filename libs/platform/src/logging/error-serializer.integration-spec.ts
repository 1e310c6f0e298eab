import { Writable } from 'node:stream';

import { DataSource, QueryFailedError } from 'typeorm';

import { createRootLogger, JsonLogger } from './json-logger';

const PHONE = '+14155550123';
const NAME = 'Maria Rivera';

/** The real root logger, writing its real JSON lines into memory instead of stdout. */
function capturedLogger(): { sut: JsonLogger; output: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return {
    sut: new JsonLogger(createRootLogger('privacy-it', 'info', sink)),
    output: () => chunks.join(''),
  };
}

describe('error serializer (real PostgreSQL failure, real log output)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    // Read-only use of the shared test database: the query below fails before touching data.
    dataSource = new DataSource({
      type: 'postgres',
      url: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  async function failingQuery(): Promise<QueryFailedError> {
    try {
      // Like an outbox insert of a patient's payload: the values are the parameters.
      await dataSource.query('SELECT $1::int AS given_name, $2::jsonb AS payload', [
        NAME,
        JSON.stringify({ phone: PHONE, address: '120 Harbor St' }),
      ]);
    } catch (error) {
      if (error instanceof QueryFailedError) return error;
      throw error;
    }
    throw new Error('the query was expected to fail');
  }

  it('should log a QueryFailedError without its parameters, driver details or quoted values', async () => {
    const error = await failingQuery();
    const { sut, output } = capturedLogger();

    sut.error('outbox append failed', error);
    sut.error({ message: 'relay failed', err: error });

    const text = output();
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(NAME);
    expect(text).not.toContain('Harbor');
    const [line] = text
      .split('\n')
      .map((raw) => JSON.parse(raw || '{}') as Record<string, unknown>);
    expect(line).toMatchObject({
      message: 'outbox append failed',
      err: { type: 'QueryFailedError', code: '22P02' },
    });
  });

  it('should log an error whose message quotes a URL without the query string', () => {
    const { sut, output } = capturedLogger();
    const error = new Error(
      `GET https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?To=${encodeURIComponent(PHONE)}&PageSize=20 timed out`,
    );

    sut.warn({ message: 'reconciliation failed', messageId: 'm-1' }, error);

    const text = output();
    expect(text).not.toContain(encodeURIComponent(PHONE));
    expect(text).toContain(
      'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?[REDACTED]',
    );
  });

  it('should log a link page’s URL, path and error without the token, in every field and the message', () => {
    const { sut, output } = capturedLogger();
    const token = 'q3Zp8vLk2Xw9RtYb1NcA4g';
    const error = new Error(`rendering http://127.0.0.1:3003/o/${token}/accept failed`);

    sut.error(
      {
        message: `page GET /a/${token} failed`,
        url: `/a/${token}/confirm?lang=es`,
        request: { path: `/itineraries/${token}` },
        err: error,
      },
      'PageController',
    );
    // Without a message of its own, the line takes the error's (safe) message.
    sut.error(error);

    const text = output();
    const [described, bare] = text
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
    expect(text).not.toContain(token);
    expect(described).toMatchObject({
      message: 'page GET /a/[token] failed',
      url: '/a/[token]/confirm?lang=es',
      request: { path: '/itineraries/[token]' },
      err: { message: 'rendering http://127.0.0.1:3003/o/[token]/accept failed' },
    });
    expect(bare).toMatchObject({
      message: 'rendering http://127.0.0.1:3003/o/[token]/accept failed',
    });
  });
});
