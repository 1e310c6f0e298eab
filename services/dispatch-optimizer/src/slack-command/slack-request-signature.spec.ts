import {
  signSlackRequest,
  SLACK_SIGNATURE_MAX_AGE_SECONDS,
  verifySlackSignature,
} from './slack-request-signature';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const now = new Date('2026-12-08T15:00:00Z');
const nowSeconds = String(now.getTime() / 1000);
const body = Buffer.from('token=x&team_id=T1&user_id=U2&command=%2Fcallout&text=sick+today');

function request(overrides: { timestamp?: string; signature?: string; body?: Buffer } = {}) {
  const timestamp = overrides.timestamp ?? nowSeconds;
  return {
    signingSecret: secret,
    timestampHeader: timestamp,
    signatureHeader: overrides.signature ?? signSlackRequest(secret, timestamp, body),
    rawBody: overrides.body ?? body,
    now,
  };
}

describe(verifySlackSignature.name, () => {
  it("should accept Slack's documented example", () => {
    // From https://api.slack.com/authentication/verifying-requests-from-slack
    const example = Buffer.from(
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    );

    const sut = verifySlackSignature({
      signingSecret: secret,
      timestampHeader: '1531420618',
      signatureHeader: 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
      rawBody: example,
      now: new Date(1531420618_000 + 60_000),
    });

    expect(sut).toEqual({ valid: true });
  });

  it('should accept a fresh, correctly signed request', () => {
    expect(verifySlackSignature(request())).toEqual({ valid: true });
  });

  it('should refuse a body changed after signing', () => {
    const sut = verifySlackSignature(
      request({ body: Buffer.from(body.toString().replace('U2', 'U3')), signature: undefined }),
    );

    expect(sut).toEqual({ valid: false, reason: 'mismatch' });
  });

  it('should refuse a signature made with another secret', () => {
    const signature = signSlackRequest('another-secret', nowSeconds, body);

    expect(verifySlackSignature(request({ signature }))).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('should refuse a correctly signed request older than five minutes', () => {
    const old = String(Number(nowSeconds) - SLACK_SIGNATURE_MAX_AGE_SECONDS - 1);

    expect(verifySlackSignature(request({ timestamp: old }))).toEqual({
      valid: false,
      reason: 'stale',
    });
  });

  it('should refuse missing headers or a non-numeric timestamp', () => {
    expect(verifySlackSignature({ ...request(), signatureHeader: undefined }).valid).toBe(false);
    expect(verifySlackSignature(request({ timestamp: 'soon' })).valid).toBe(false);
  });
});
