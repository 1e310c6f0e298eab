import { WebClient } from '@slack/web-api';

import { TeamsWebhookStandIn } from '../teams/teams-webhook-stand-in';

import { SlackStandIn } from './slack-stand-in';

describe(SlackStandIn.name, () => {
  const sut = new SlackStandIn();

  beforeAll(async () => {
    await sut.start();
  });

  afterAll(async () => {
    await sut.stop();
  });

  beforeEach(() => {
    sut.reset();
  });

  const client = (token = sut.botToken) =>
    new WebClient(token, { slackApiUrl: sut.apiUrl, retryConfig: { retries: 0 } });

  it('should open a DM, post Block Kit into it and apply an edit, through the official client', async () => {
    const opened = await client().conversations.open({ users: 'U0ADA' });
    const channel = opened.channel?.id ?? '';
    const posted = await client().chat.postMessage({
      channel,
      text: 'Itinerary',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*1.* visit' } }],
      metadata: { event_type: 'itinerary', event_payload: { delivery_id: 'd-1' } },
    });
    await client().chat.update({ channel, ts: posted.ts ?? '', text: 'Updated itinerary' });

    expect(channel).toBe(sut.dmChannelOf('U0ADA'));
    expect(sut.messages({ channel })).toEqual([
      expect.objectContaining({
        text: 'Updated itinerary',
        edits: 1,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*1.* visit' } }],
        metadata: { event_type: 'itinerary', event_payload: { delivery_id: 'd-1' } },
      }),
    ]);
  });

  it('should refuse a wrong bot token and record the refusal', async () => {
    await expect(
      client('xoxb-wrong').chat.postMessage({ channel: 'C1', text: 'x' }),
    ).rejects.toMatchObject({
      data: { error: 'invalid_auth' },
    });

    expect(sut.messages()).toEqual([]);
    expect(sut.calls('chat.postMessage')).toEqual([
      expect.objectContaining({ authorized: false, outcome: 'invalid_auth' }),
    ]);
  });

  it('should fail on demand, and after acting when asked (the answer is lost, the post is not)', async () => {
    sut.failNext('chat.postMessage', { httpStatus: 503 });
    sut.failNext('chat.postMessage', { httpStatus: 500, afterActing: true });

    await expect(client().chat.postMessage({ channel: 'C1', text: 'a' })).rejects.toMatchObject({
      statusCode: 503,
    });
    await expect(client().chat.postMessage({ channel: 'C1', text: 'b' })).rejects.toMatchObject({
      statusCode: 500,
    });
    const history = await client().conversations.history({
      channel: 'C1',
      include_all_metadata: true,
    });

    expect(sut.messages().map((m) => m.text)).toEqual(['b']);
    expect(history.messages?.map((m) => m.text)).toEqual(['b']);
  });
});

describe(TeamsWebhookStandIn.name, () => {
  const sut = new TeamsWebhookStandIn();

  beforeAll(async () => {
    await sut.start();
  });

  afterAll(async () => {
    await sut.stop();
  });

  it('should record Adaptive Cards per webhook and fail on demand', async () => {
    const card = {
      type: 'AdaptiveCard',
      version: '1.4',
      body: [{ type: 'TextBlock', text: 'hi' }],
    };
    const post = () =>
      fetch(sut.webhookUrl('coordinators'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          type: 'message',
          attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
        }),
      });
    sut.failNext(1, 429);

    expect((await post()).status).toBe(429);
    expect((await post()).status).toBe(200);
    expect(sut.posts('coordinators')).toEqual([{ webhookId: 'coordinators', card }]);
  });
});
