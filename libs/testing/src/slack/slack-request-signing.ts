import { createHmac } from 'node:crypto';

/**
 * Headers Slack sends with a slash command: `X-Slack-Request-Timestamp` and the v0 HMAC-SHA256
 * of `v0:<timestamp>:<body>` (https://api.slack.com/authentication/verifying-requests-from-slack).
 * Tests sign with the wrong secret or an old timestamp to prove the service refuses them.
 */
export function signedSlackCommandHeaders(
  signingSecret: string,
  body: string,
  timestampSeconds: number,
): Record<string, string> {
  const timestamp = String(timestampSeconds);
  const signature = createHmac('sha256', signingSecret)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex');
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': `v0=${signature}`,
  };
}
