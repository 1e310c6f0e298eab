import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type CollectedSpan, eventually, newWebhookSecret, Stack } from '@caredispatch/testing';

jest.setTimeout(600_000);

const DEADLINE_MS = 30_000;

/** A link token as the services mint them: 128 bits, base64url. */
function linkToken(): string {
  return randomBytes(16).toString('base64url');
}

/** The request path a server span recorded (old or new HTTP semantic conventions). */
function pathOf(span: CollectedSpan): string | undefined {
  return span.attributes['url.path'] ?? span.attributes['http.target'];
}

describe('link tokens stay out of traces and logs', () => {
  const tenantId = `clinic-${randomUUID().slice(0, 8)}`;
  const sut = new Stack({
    tenants: { [tenantId]: newWebhookSecret() },
    only: ['messaging', 'dispatch-optimizer'],
    // Nothing here reaches Slack or Maps: the itinerary page only reads its own table.
    dispatch: {
      slackApiUrl: 'http://127.0.0.1:9/api',
      slackBotToken: 'xoxb-unused',
      mapsApiBaseUrl: 'http://127.0.0.1:9',
      mapsApiKey: 'unused',
      coordinatorSlackChannel: 'C0UNUSED',
    },
  });

  beforeAll(async () => {
    await sut.start();
  });
  afterAll(async () => {
    await sut.stop();
  });

  function logLines(): string[] {
    return readdirSync(sut.logDir)
      .filter((file) => file.endsWith('.log'))
      .flatMap((file) => readFileSync(join(sut.logDir, file), 'utf8').split('\n'));
  }

  it('should export the link pages’ server spans with /a/[token], /o/[token] and /itineraries/[token] and put the tokens in no span and no log line', async () => {
    const appointment = linkToken();
    const offer = linkToken();
    const itinerary = linkToken();
    const messaging = sut.service('messaging').baseUrl;
    const form = (url: string): Promise<Response> =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ form: '1.x' }).toString(),
        redirect: 'manual',
      });

    const responses = [
      await fetch(`${messaging}/a/${appointment}`),
      await fetch(`${messaging}/A/${appointment}/cancel?lang=es`),
      await form(`${messaging}/a/${appointment}/confirm`),
      await fetch(`${messaging}/o/${offer}`),
      await form(`${messaging}/o/${offer}/accept`),
      await fetch(`${sut.service('dispatch-optimizer').baseUrl}/itineraries/${itinerary}`),
    ];
    await Promise.all(responses.map((response) => response.text()));
    const expectedPaths = [
      '/a/[token]',
      '/A/[token]/cancel',
      '/a/[token]/confirm',
      '/o/[token]',
      '/o/[token]/accept',
      '/itineraries/[token]',
    ];
    const pageSpans = await eventually(
      () => {
        const spans = sut.collector
          .collected()
          .filter((span) => expectedPaths.includes(pathOf(span) ?? ''));
        const seen = new Set(spans.map(pathOf));
        return Promise.resolve(expectedPaths.every((path) => seen.has(path)) ? spans : undefined);
      },
      DEADLINE_MS,
      'the link pages’ server spans were not exported',
    );

    const exported = sut.collector.rawExports().join('\n');
    const logs = logLines();
    expect(responses.map((response) => response.status).every((status) => status < 500)).toBe(true);
    expect(new Set(pageSpans.map((span) => span.service))).toEqual(
      new Set(['messaging', 'dispatch-optimizer']),
    );
    expect(logs.length).toBeGreaterThan(0);
    for (const token of [appointment, offer, itinerary]) {
      expect(exported).not.toContain(token);
      expect(logs.filter((line) => line.includes(token))).toEqual([]);
    }
  });
});
