import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

const adminUrl =
  process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database that exists for one test run only; dropped afterwards. */
export class ThrowawayDatabase {
  private constructor(readonly name: string) {}

  static async create(prefix: string): Promise<ThrowawayDatabase> {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`.replace(/[^a-z0-9_]/g, '_');
    await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
    return new ThrowawayDatabase(name);
  }

  get url(): string {
    const url = new URL(adminUrl);
    url.pathname = `/${this.name}`;
    return url.toString();
  }

  async query<Row extends object>(sql: string, params: unknown[] = []): Promise<Row[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      const result = await client.query<Row>(sql, params);
      return result.rows;
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    await withAdmin((client) =>
      client.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`),
    );
  }
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
