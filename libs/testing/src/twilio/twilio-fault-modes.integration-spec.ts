import twilio from 'twilio';

import { TwilioFailures } from './twilio-failures';
import { TwilioStandIn } from './twilio-stand-in';

import type RequestClient from 'twilio/lib/base/RequestClient';
import type Response from 'twilio/lib/http/response';

class StandInRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    super();
  }

  override request<TData>(options: RequestClient.RequestOptions<TData>): Promise<Response<TData>> {
    const original = new URL(options.uri);
    return super.request({
      ...options,
      uri: `${this.baseUrl}${original.pathname}${original.search}`,
    });
  }
}

const to = '+15005550006';
const from = '+15005550001';

describe(`${TwilioStandIn.name} fault modes`, () => {
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

  it('should leave a just-created message out of the list while listing is delayed', async () => {
    sut.delayListing(60_000);

    const created = await client.messages.create({ to, from, body: 'hello' });

    await expect(client.messages.list({ to })).resolves.toEqual([]);
    await expect(client.messages(created.sid).fetch()).resolves.toMatchObject({
      sid: created.sid,
    });
  });

  it('should list every message again once the faults are cleared', async () => {
    sut.delayListing(60_000);
    const created = await client.messages.create({ to, from, body: 'hello' });

    sut.clearFaults();

    const listed = await client.messages.list({ to });
    expect(listed.map((message) => message.sid)).toEqual([created.sid]);
  });

  it('should drop pending failures when the faults are cleared', async () => {
    sut.failNext(5, TwilioFailures.internalServerError);

    sut.clearFaults();

    await expect(client.messages.create({ to, from, body: 'hello' })).resolves.toMatchObject({
      to,
    });
  });
});
