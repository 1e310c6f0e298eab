import twilio from 'twilio';

import { TwilioFailures } from './twilio-failures';
import { TwilioStandIn } from './twilio-stand-in';

import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

/** Points the official SDK at the stand-in, as the messaging service does. */
class StandInRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: string,
    options: RequestClient.RequestClientOptions = {},
  ) {
    super(options);
  }

  override request<TData>(options: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const original = new URL(options.uri);
    return super.request({
      ...options,
      uri: `${this.baseUrl}${original.pathname}${original.search}`,
    });
  }
}

describe(TwilioStandIn.name, () => {
  const sut = new TwilioStandIn();
  let client: twilio.Twilio;

  beforeAll(async () => {
    const { baseUrl } = await sut.start();
    client = twilio(sut.accountSid, sut.authToken, {
      httpClient: new StandInRequestClient(baseUrl),
    });
  });

  afterEach(() => {
    sut.reset();
  });

  afterAll(async () => {
    await sut.stop();
  });

  it('should accept a message from the SDK and answer like Twilio', async () => {
    const message = await client.messages.create({
      to: '+15005550006',
      from: '+15005550001',
      body: 'hello',
      statusCallback: 'http://127.0.0.1:1/status',
    });

    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.status).toBe('queued');
    expect(message.dateCreated).toBeInstanceOf(Date);
    expect(sut.messages()).toEqual([
      expect.objectContaining({ sid: message.sid, to: '+15005550006', body: 'hello' }) as unknown,
    ]);
  });

  it('should reject a number that is not E.164 with error 21211', async () => {
    const act = client.messages.create({ to: '555-1234', from: '+15005550001', body: 'hello' });

    await expect(act).rejects.toMatchObject({ status: 400, code: 21211 });
    expect(sut.messages()).toHaveLength(0);
  });

  it('should refuse wrong credentials with 401 / 20003', async () => {
    const baseUrl = sut.baseUrl;
    const intruder = twilio(sut.accountSid, 'wrong-token', {
      httpClient: new StandInRequestClient(baseUrl),
    });

    const act = intruder.messages.create({
      to: '+15005550006',
      from: '+15005550001',
      body: 'hello',
    });

    await expect(act).rejects.toMatchObject({ status: 401, code: 20003 });
  });

  it('should fail the next request on demand and then recover', async () => {
    sut.failNext(1, TwilioFailures.tooManyRequests);

    const first = client.messages.create({ to: '+15005550006', from: '+15005550001', body: 'a' });
    await expect(first).rejects.toMatchObject({ status: 429, code: 20429 });
    const second = await client.messages.create({
      to: '+15005550006',
      from: '+15005550001',
      body: 'a',
    });

    expect(sut.messages().map((message) => message.sid)).toEqual([second.sid]);
  });

  it('should list by recipient and DateSent, newest first, and fetch by SID', async () => {
    const older = await client.messages.create({
      to: '+15005550006',
      from: '+15005550001',
      body: 'one',
    });
    const newer = await client.messages.create({
      to: '+15005550006',
      from: '+15005550001',
      body: 'two',
    });
    await client.messages.create({ to: '+15005550007', from: '+15005550001', body: 'other' });

    const listed = await client.messages.list({
      to: '+15005550006',
      dateSentAfter: new Date(Date.now() - 60_000),
    });
    const none = await client.messages.list({
      to: '+15005550006',
      dateSentAfter: new Date(Date.now() + 60_000),
    });
    const fetched = await client.messages(older.sid).fetch();

    expect(listed.map((message) => message.sid)).toEqual([newer.sid, older.sid]);
    expect(none).toHaveLength(0);
    expect(fetched.body).toBe('one');
  });

  it('should sign status callbacks so the SDK validates them', async () => {
    const received: { signature: string; params: Record<string, string> }[] = [];
    const { createServer } = await import('node:http');
    const receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({
          signature: String(request.headers['x-twilio-signature']),
          params: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => {
      receiver.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    const address = receiver.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/status?x=1`;
    const message = await client.messages.create({
      to: '+15005550006',
      from: '+15005550001',
      body: 'b',
      statusCallback: url,
    });

    const result = await sut.sendStatusCallback(message.sid, 'delivered');
    receiver.close();

    expect(result.status).toBe(204);
    expect(received[0].params).toMatchObject({
      MessageSid: message.sid,
      MessageStatus: 'delivered',
    });
    expect(
      twilio.validateRequest(sut.authToken, received[0].signature, url, received[0].params),
    ).toBe(true);
  });

  describe('faults for the fault suite', () => {
    const CLIENT_TIMEOUT_MS = 300;
    let impatient: twilio.Twilio;
    const send = (body: string) =>
      impatient.messages.create({ to: '+15005550006', from: '+15005550001', body });

    beforeAll(() => {
      impatient = twilio(sut.accountSid, sut.authToken, {
        httpClient: new StandInRequestClient(sut.baseUrl, { timeout: CLIENT_TIMEOUT_MS }),
      });
    });

    async function control(path: string, body: object): Promise<globalThis.Response> {
      return fetch(`${sut.baseUrl}/_stand-in/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    }

    it('should answer 500 to every creation for the given time, then accept again', async () => {
      const configured = await control('fail-for', { durationMs: 60_000, httpStatus: 500 });
      expect(configured.status).toBe(200);

      await expect(send('a')).rejects.toMatchObject({ status: 500 });
      await expect(send('b')).rejects.toMatchObject({ status: 500 });
      sut.reset();
      await send('c');

      expect(sut.messages().map((message) => message.body)).toEqual(['c']);
    });

    it('should hold a request past the client timeout and then create the message', async () => {
      const configured = await control('timeout-next', { holdMs: CLIENT_TIMEOUT_MS * 3 });
      expect(configured.status).toBe(200);

      await expect(send('late')).rejects.toMatchObject({ code: 'ECONNABORTED' });
      expect(sut.messages()).toHaveLength(0);
      await sut.whenHeldRequestsSettled();

      expect(sut.messages().map((message) => message.body)).toEqual(['late']);
    });

    it('should hold a request past the client timeout and drop it without creating anything', async () => {
      sut.timeoutNext(1, { holdMs: CLIENT_TIMEOUT_MS * 3, accept: false });

      await expect(send('never')).rejects.toMatchObject({ code: 'ECONNABORTED' });
      await sut.whenHeldRequestsSettled();

      expect(sut.messages()).toHaveLength(0);
      expect(sut.requests().map((request) => request.responseStatus)).toEqual([0]);
    });

    it('should list and fetch a message only once the list delay has passed', async () => {
      const configured = await control('list-delay', { delayMs: 400 });
      expect(configured.status).toBe(200);
      const created = await send('slow to list');

      const listedAtOnce = await client.messages.list({ to: '+15005550006' });
      const fetchedAtOnce = client.messages(created.sid).fetch();
      await expect(fetchedAtOnce).rejects.toMatchObject({ status: 404 });
      let listedLater: readonly { sid: string }[] = [];
      while (listedLater.length === 0) {
        listedLater = await client.messages.list({ to: '+15005550006' });
      }

      expect(listedAtOnce).toHaveLength(0);
      expect(listedLater.map((message) => message.sid)).toEqual([created.sid]);
      expect(sut.messages()).toHaveLength(1);
    });

    it('should refuse a control request with a bad field and change nothing', async () => {
      const sut400 = await control('timeout-next', { holdMs: -1 });

      expect(sut400.status).toBe(400);
      expect(((await sut400.json()) as { message: string }).message).toBe(
        'holdMs must be an integer in 1..600000',
      );
      await send('fine');
      expect(sut.messages()).toHaveLength(1);
    });
  });
});
