import { randomUUID } from 'node:crypto';

import { Client } from 'pg';

import { createTestDataSource } from '@caredispatch/testing';

import { kafkaEntities, kafkaMigrations } from '../migrations';

import { inboxRetention, publishedOutboxRetention, runRetentionTask } from './retention-task';

import type { DataSource } from 'typeorm';

const DATABASE = 'caredispatch_kafka_test_retention';

describe(runRetentionTask.name, () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await createTestDataSource(DATABASE, {
      entities: kafkaEntities,
      migrations: kafkaMigrations,
    });
  });

  afterEach(async () => {
    await dataSource.query('TRUNCATE outbox_message, inbox_event');
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  /** An outbox row whose timestamps lie `ageHours` in the past. */
  async function outboxRow(
    ageHours: number,
    state: 'published' | 'pending' | 'parked',
  ): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `INSERT INTO outbox_message (id, tenant_id, topic, message_key, event_id, event_type, payload,
                                   headers, created_at, published_at, parked_at)
       VALUES ($1, 'acme', 'test.retention.v1', $2, $3, 'AppointmentBookedV1', '\\x00', '{}',
               now() - make_interval(hours => $4),
               CASE WHEN $5 = 'published' THEN now() - make_interval(hours => $4) END,
               CASE WHEN $5 = 'parked' THEN now() - make_interval(hours => $4) END)`,
      [id, randomUUID(), randomUUID(), ageHours, state],
    );
    return id;
  }

  async function inboxRow(ageHours: number): Promise<string> {
    const eventId = randomUUID();
    await dataSource.query(
      `INSERT INTO inbox_event (consumer_group, event_id, topic, partition, "offset", processed_at)
       VALUES ('messaging', $1, 'test.retention.v1', 0, 1, now() - make_interval(hours => $2))`,
      [eventId, ageHours],
    );
    return eventId;
  }

  const remainingOutbox = async (): Promise<string[]> =>
    (await dataSource.query<{ id: string }[]>('SELECT id FROM outbox_message')).map(({ id }) => id);

  it('should delete only published outbox rows older than the retention, in batches', async () => {
    for (let row = 0; row < 5; row += 1) await outboxRow(100, 'published');
    const kept = [
      await outboxRow(10, 'published'),
      await outboxRow(500, 'pending'),
      await outboxRow(500, 'parked'),
    ];

    const sut = await runRetentionTask(dataSource, publishedOutboxRetention(72), 2);

    expect(sut).toBe(5);
    expect((await remainingOutbox()).sort()).toEqual([...kept].sort());
  });

  it('should delete inbox rows older than the retention and keep the recent ones', async () => {
    await inboxRow(200);
    await inboxRow(169);
    const recent = await inboxRow(100);

    const sut = await runRetentionTask(dataSource, inboxRetention(168), 1_000);

    expect(sut).toBe(2);
    expect(await dataSource.query('SELECT event_id FROM inbox_event')).toEqual([
      { event_id: recent },
    ]);
  });

  it('should leave the work to the replica that holds the task lock', async () => {
    const expired = await outboxRow(100, 'published');
    const task = publishedOutboxRetention(72);
    const otherReplica = new Client({ connectionString: dataSourceUrl(dataSource) });
    await otherReplica.connect();
    try {
      await otherReplica.query('BEGIN');
      await otherReplica.query('SELECT pg_advisory_xact_lock($1)', [task.lockKey]);

      const sut = await runRetentionTask(dataSource, task, 10);

      expect(sut).toBeUndefined();
      expect(await remainingOutbox()).toEqual([expired]);
    } finally {
      await otherReplica.query('ROLLBACK');
      await otherReplica.end();
    }
  });
});

function dataSourceUrl(dataSource: DataSource): string {
  const options = dataSource.options as { url?: string };
  if (!options.url) throw new Error('test data source has no url');
  return options.url;
}
