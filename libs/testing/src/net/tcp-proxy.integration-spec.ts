import { Client } from 'pg';

import { TcpProxy } from './tcp-proxy';

const postgres = new URL(
  process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
);

function clientThrough(sut: TcpProxy): Client {
  const url = new URL(postgres);
  url.host = sut.address;
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 1_500 });
  // A cut connection emits 'error' on the client; the query's rejection is what the test reads.
  client.on('error', () => undefined);
  return client;
}

async function answers(client: Client): Promise<number> {
  const result = await client.query<{ answer: number }>('SELECT 41 + 1 AS answer');
  return result.rows[0].answer;
}

describe(TcpProxy.name, () => {
  let sut: TcpProxy;
  const clients: Client[] = [];

  function open(): Client {
    const client = clientThrough(sut);
    clients.push(client);
    return client;
  }

  beforeEach(async () => {
    sut = new TcpProxy({ host: postgres.hostname, port: Number(postgres.port || 5432) });
    await sut.start();
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
    await sut.stop();
  });

  it('should forward a PostgreSQL session to the real server', async () => {
    const client = open();
    await client.connect();

    await expect(answers(client)).resolves.toBe(42);
  });

  it('should drop live sessions and refuse new ones while cut', async () => {
    const live = open();
    await live.connect();

    sut.cut();

    await expect(answers(live)).rejects.toThrow();
    await expect(open().connect()).rejects.toThrow(/ECONNRESET|terminated|Connection/i);
  });

  it('should accept new sessions again after restore', async () => {
    sut.cut();
    await expect(open().connect()).rejects.toThrow();

    sut.restore();

    const client = open();
    await client.connect();
    await expect(answers(client)).resolves.toBe(42);
  });

  it('should leave connection attempts unanswered while blackholed', async () => {
    sut.blackhole();

    await expect(open().connect()).rejects.toThrow(/timeout/i);
  });
});
