import { parseArgs } from 'node:util';

import { Client } from 'pg';

import { loadConfig } from '@caredispatch/platform';

import { DirectoryArchiveStore } from './archive-store.port';
import { verifyArchive } from './archive-verification';
import { PartitionArchiver } from './partition-archiver';
import { archiveConfigSchema, guardConfigSchema } from './retention-config';
import { installRetentionGuard } from './retention-guard';

/**
 * npm run audit:retention -- archive [--partition audit_event_p202001]
 *   Archives every monthly partition entirely older than the retention (or the one named),
 *   verifies each archive, then detaches and drops the partition. Owner role (Helm: the
 *   retention CronJob with the migration secret). Exit 0 done, 1 refused or failed.
 * npm run audit:retention -- verify --partition audit_event_p202001
 *   Re-verifies an archive in AUDIT_ARCHIVE_DIRECTORY (no database needed).
 * npm run audit:retention -- install-guard
 *   Installs the event-trigger guard (DATABASE_SUPERUSER_URL; once, after the migrations).
 * Prints one JSON report on stdout; never prints a row.
 */
async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { partition: { type: 'string' } },
  });
  switch (positionals[0]) {
    case 'archive': {
      const config = loadConfig(archiveConfigSchema, process.env);
      const client = new Client({
        connectionString: config.DATABASE_MIGRATION_URL.reveal(),
        application_name: 'audit-log-archiver',
      });
      await client.connect();
      try {
        const sut = new PartitionArchiver(
          client,
          new DirectoryArchiveStore(config.AUDIT_ARCHIVE_DIRECTORY),
          config.AUDIT_TREE_HEAD_PUBLIC_KEYS,
          config.AUDIT_RETENTION_MONTHS,
        );
        const archived = values.partition
          ? [await sut.archive(values.partition)]
          : await sut.archiveDue();
        print({ archived });
        return 0;
      } finally {
        await client.end();
      }
    }
    case 'verify': {
      const directory = process.env.AUDIT_ARCHIVE_DIRECTORY;
      if (!directory || !values.partition) return usage();
      const report = await verifyArchive(new DirectoryArchiveStore(directory), values.partition);
      print(report);
      return report.valid ? 0 : 1;
    }
    case 'install-guard': {
      const config = loadConfig(guardConfigSchema, process.env);
      const client = new Client({ connectionString: config.DATABASE_SUPERUSER_URL.reveal() });
      await client.connect();
      try {
        await installRetentionGuard(client);
        print({ installed: true });
        return 0;
      } finally {
        await client.end();
      }
    }
    default:
      return usage();
  }
}

function usage(): number {
  process.stderr.write(
    'usage: audit:retention archive [--partition <name>] | verify --partition <name> | install-guard\n',
  );
  return 2;
}

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const { name, message, code } = error as { name?: string; message?: string; code?: string };
    process.stderr.write(`${JSON.stringify({ error: { name, code, message } })}\n`);
    process.exitCode = 1;
  },
);
