import { randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import { runRetentionTask } from '@caredispatch/kafka';
import { ThrowawayDatabase } from '@caredispatch/testing';

import { messagingMigrations } from '../entities';
import { MessageState } from '../message/message-state';

import { inboundBodyRetention, messageBodyRetention } from './message-retention';

interface StoredMessage {
  id: string;
  state: string;
  to_e164: string | null;
  body: string | null;
  provider_message_id: string | null;
  appointment_id: string;
  sent_at: Date | null;
  updated_at: Date;
}

describe(messageBodyRetention.name, () => {
  let database: ThrowawayDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await ThrowawayDatabase.create('caredispatch_messaging_retention');
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: messagingMigrations,
      extra: { max: 2 },
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  async function aMessage(state: MessageState, ageDays: number): Promise<string> {
    const id = randomUUID();
    const sid = state === MessageState.Queued ? null : `SM${id.replace(/-/g, '')}`;
    const claimed = state === MessageState.Sending;
    await dataSource.query(
      `INSERT INTO message (id, tenant_id, appointment_id, revision, purpose, channel, state,
                            to_e164, body, provider_message_id, next_attempt_at, claim_token,
                            lease_expires_at, correlation_id, last_event_id, created_at, updated_at,
                            sent_at)
       VALUES ($1, 'acme', $2, 1, 'confirmation', 'sms', $3, '+15555550123',
               'Ada, your visit is confirmed', $4, now(), $5, $6, $7, $8,
               now() - make_interval(days => $9), now() - make_interval(days => $9),
               CASE WHEN $4::text IS NULL THEN NULL ELSE now() - make_interval(days => $9) END)`,
      [
        id,
        randomUUID(),
        state,
        sid,
        claimed ? randomUUID() : null,
        claimed ? new Date(Date.now() + 60_000) : null,
        randomUUID(),
        randomUUID(),
        ageDays,
      ],
    );
    return id;
  }

  async function stored(id: string): Promise<StoredMessage> {
    const rows = await dataSource.query<StoredMessage[]>(
      `SELECT id, state, to_e164, body, provider_message_id, appointment_id, sent_at, updated_at
         FROM message WHERE id = $1`,
      [id],
    );
    const row = rows.at(0);
    if (!row) throw new Error(`message ${id} is gone`);
    return row;
  }

  it('should drop the phone number and text of old finished messages and keep their metadata', async () => {
    const delivered = await aMessage(MessageState.Delivered, 45);
    const failed = await aMessage(MessageState.Failed, 31);
    const before = await stored(delivered);

    const sut = await runRetentionTask(dataSource, messageBodyRetention(30), 1);

    expect(sut).toBe(2);
    const after = await stored(delivered);
    expect(after).toEqual({ ...before, to_e164: null, body: null });
    expect(after.provider_message_id).toMatch(/^SM/);
    expect(await stored(failed)).toMatchObject({ to_e164: null, body: null, state: 'failed' });
  });

  it('should keep recent messages and messages that may still be sent', async () => {
    const recent = await aMessage(MessageState.Delivered, 5);
    const queued = await aMessage(MessageState.Queued, 60);
    const sending = await aMessage(MessageState.Sending, 60);

    await runRetentionTask(dataSource, messageBodyRetention(30), 100);

    for (const id of [recent, queued, sending]) {
      expect(await stored(id)).toMatchObject({
        to_e164: '+15555550123',
        body: 'Ada, your visit is confirmed',
      });
    }
  });

  it('should still refuse a sendable message without a phone number', async () => {
    const queued = await aMessage(MessageState.Queued, 1);

    await expect(
      dataSource.query('UPDATE message SET to_e164 = NULL WHERE id = $1', [queued]),
    ).rejects.toThrow(/ck_message_sendable/);
  });

  describe(inboundBodyRetention.name, () => {
    async function aReply(ageDays: number): Promise<string> {
      const id = randomUUID();
      await dataSource.query(
        `INSERT INTO inbound_message (id, provider_message_id, tenant_id, patient_id, intent, body,
                                      received_at)
         VALUES ($1, $2, 'acme', $3, 'other', 'phi1.reply', now() - make_interval(days => $4))`,
        [id, `SM${id.replace(/-/g, '')}`, randomUUID(), ageDays],
      );
      return id;
    }

    async function storedReply(id: string): Promise<{ body: string | null; intent: string }> {
      const rows = await dataSource.query<{ body: string | null; intent: string }[]>(
        `SELECT body, intent FROM inbound_message WHERE id = $1`,
        [id],
      );
      const row = rows.at(0);
      if (!row) throw new Error(`reply ${id} is gone`);
      return row;
    }

    it('should drop the text of old replies and keep the recent ones and every reply row', async () => {
      const old = await aReply(45);
      const recent = await aReply(5);

      const sut = await runRetentionTask(dataSource, inboundBodyRetention(30), 100);

      expect(sut).toBe(1);
      expect(await storedReply(old)).toEqual({ body: null, intent: 'other' });
      expect(await storedReply(recent)).toEqual({ body: 'phi1.reply', intent: 'other' });
    });
  });
});
