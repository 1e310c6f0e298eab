import { createHmac } from 'node:crypto';

/**
 * The `X-Twilio-Signature` Twilio puts on its webhooks: base64(HMAC-SHA1(authToken, url +
 * every POST parameter as name+value, sorted by name)). Written out here rather than taken
 * from the SDK so the stand-in checks the service's verification against an independent
 * implementation of the published algorithm
 * (https://www.twilio.com/docs/usage/security#validating-requests).
 */
export function computeTwilioSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>>,
): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, name) => acc + name + params[name], url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}
