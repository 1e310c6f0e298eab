import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window: requests older (or newer) than this are refused. */
export const SLACK_SIGNATURE_MAX_AGE_SECONDS = 5 * 60;

export type SlackSignatureVerdict =
  | { readonly valid: true }
  | { readonly valid: false; readonly reason: 'missing' | 'stale' | 'mismatch' };

/**
 * Slack request signing, v0 (https://api.slack.com/authentication/verifying-requests-from-slack):
 * `v0=` + hex HMAC-SHA256 of `v0:<X-Slack-Request-Timestamp>:<raw body>` with the signing secret.
 * The timestamp is checked first so a captured request cannot be replayed later; the
 * comparison is constant-time.
 */
export function verifySlackSignature(input: {
  readonly signingSecret: string;
  readonly timestampHeader: string | undefined;
  readonly signatureHeader: string | undefined;
  readonly rawBody: Buffer;
  readonly now: Date;
}): SlackSignatureVerdict {
  const { timestampHeader, signatureHeader } = input;
  if (!timestampHeader || !signatureHeader || !/^\d{1,12}$/.test(timestampHeader)) {
    return { valid: false, reason: 'missing' };
  }
  const ageSeconds = Math.abs(input.now.getTime() / 1000 - Number(timestampHeader));
  if (ageSeconds > SLACK_SIGNATURE_MAX_AGE_SECONDS) return { valid: false, reason: 'stale' };
  const expected = Buffer.from(
    signSlackRequest(input.signingSecret, timestampHeader, input.rawBody),
    'utf8',
  );
  const given = Buffer.from(signatureHeader, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { valid: false, reason: 'mismatch' };
  }
  return { valid: true };
}

/** The `X-Slack-Signature` value Slack sends for this body (also what tests sign with). */
export function signSlackRequest(
  signingSecret: string,
  timestamp: string,
  rawBody: Buffer | string,
): string {
  const mac = createHmac('sha256', signingSecret);
  mac.update(`v0:${timestamp}:`);
  mac.update(rawBody);
  return `v0=${mac.digest('hex')}`;
}
