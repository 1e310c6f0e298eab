import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

const adminUrl =
  process.env.TEST_POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The two roles a service has in production: one owns and migrates, one runs (see deploy/local). */
export interface ServiceRoles {
  /** Owns the database and its tables; runs migrations and grants. */
  readonly owner: string;
  /** What the service runs as: no ownership, no DDL, no BYPASSRLS. */
  readonly runtime: string;
}

/**
 * A database that exists for one test run only; dropped afterwards, with the roles it
 * created (`createWithRoles`).
 */
export class ThrowawayDatabase {
  private constructor(
    readonly name: string,
    readonly roles?: ServiceRoles,
  ) {}

  static async create(prefix: string): Promise<ThrowawayDatabase> {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`.replace(/[^a-z0-9_]/g, '_');
    await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
    return new ThrowawayDatabase(name);
  }

  /**
   * A database owned by a fresh owner role, plus a fresh runtime role that may connect, as
   * deploy/local/postgres/init-databases.sql sets up each service. Password = role name.
   */
  static async createWithRoles(prefix: string): Promise<ThrowawayDatabase> {
    const name = `${prefix}_${randomBytes(4).toString('hex')}`.replace(/[^a-z0-9_]/g, '_');
    const roles = { owner: `${name}_owner`, runtime: `${name}_app` };
    await withAdmin(async (client) => {
      for (const role of [roles.owner, roles.runtime]) {
        await client.query(
          `CREATE ROLE "${role}" LOGIN PASSWORD '${role}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS`,
        );
      }
      await client.query(`CREATE DATABASE "${name}" OWNER "${roles.owner}"`);
      await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE "${name}" FROM PUBLIC`);
      await client.query(
        `GRANT CONNECT ON DATABASE "${name}" TO "${roles.owner}", "${roles.runtime}"`,
      );
    });
    return new ThrowawayDatabase(name, roles);
  }

  /** The superuser's URL of this database (bypasses row-level security). */
  get url(): string {
    const url = new URL(adminUrl);
    url.pathname = `/${this.name}`;
    return url.toString();
  }

  /** The owner role's URL: what the migrate step connects with (DATABASE_MIGRATION_URL). */
  get ownerUrl(): string {
    return this.urlAs(this.requireRoles().owner);
  }

  /** The runtime role's URL: what the service connects with (DATABASE_URL). */
  get runtimeUrl(): string {
    return this.urlAs(this.requireRoles().runtime);
  }

  private urlAs(role: string): string {
    const url = new URL(this.url);
    url.username = role;
    url.password = role;
    return url.toString();
  }

  private requireRoles(): ServiceRoles {
    if (!this.roles) throw new Error(`${this.name} was created without roles`);
    return this.roles;
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
    await withAdmin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
      // Only the roles this database created; they own nothing elsewhere.
      for (const role of this.roles ? [this.roles.runtime, this.roles.owner] : []) {
        await client.query(`DROP ROLE IF EXISTS "${role}"`);
      }
    });
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
