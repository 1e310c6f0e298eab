import { Client } from 'pg';

const adminUrl =
  process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Makes ONE throwaway database unreachable, as a failover or a network cut would: new
 * connections are refused (SQLSTATE 55000) and open ones are terminated (57P01). Only for
 * databases the test created itself; the shared server and other databases are untouched.
 */
export class DatabaseOutage {
  private active = false;

  constructor(readonly database: string) {
    if (!/^[a-z0-9_]+$/.test(database)) throw new Error(`unexpected database name ${database}`);
  }

  get isActive(): boolean {
    return this.active;
  }

  async begin(): Promise<void> {
    await withAdmin(async (client) => {
      await client.query(`ALTER DATABASE "${this.database}" ALLOW_CONNECTIONS false`);
      this.active = true;
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [this.database],
      );
    });
  }

  async end(): Promise<void> {
    if (!this.active) return;
    await withAdmin((client) =>
      client.query(`ALTER DATABASE "${this.database}" ALLOW_CONNECTIONS true`),
    );
    this.active = false;
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
