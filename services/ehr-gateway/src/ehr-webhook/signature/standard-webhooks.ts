import { createHmac, timingSafeEqual } from 'node:crypto';

import { EhrWebhookErrorCode, ehrWebhookError } from '../ehr-webhook.errors';

/**
 * Standard Webhooks (https://www.standardwebhooks.com, symmetric "v1" scheme): the sender
 * signs `${webhook-id}.${webhook-timestamp}.${raw body}` with HMAC-SHA256 and sends
 * `v1,<base64>` entries, space separated, so secrets can be rotated without downtime.
 */
export const WebhookHeader = {
  Id: 'webhook-id',
  Timestamp: 'webhook-timestamp',
  Signature: 'webhook-signature',
} as const;

export interface WebhookSignatureHeaders {
  readonly id: string;
  /** Unix seconds. */
  readonly timestamp: number;
  /** The base64 values of every `v1,` entry; entries of other schemes are skipped. */
  readonly v1Signatures: readonly string[];
}

export type IncomingHeaders = Readonly<Record<string, string | string[] | undefined>>;

// The id is stored and compared, so it is bounded and restricted to visible ASCII.
const WEBHOOK_ID = /^[\x21-\x7e]{1,256}$/;
const UNIX_SECONDS = /^\d{1,12}$/;
const SIGNATURE_ENTRY = /^(v\d+[a-z]?),(\S+)$/;
const HMAC_SHA256_BYTES = 32;

/** Reads and syntax-checks the three headers; says which one is missing or malformed. */
export function readSignatureHeaders(headers: IncomingHeaders): WebhookSignatureHeaders {
  const id = singleHeader(headers, WebhookHeader.Id);
  if (!WEBHOOK_ID.test(id))
    throw malformed(WebhookHeader.Id, 'must be 1-256 visible ASCII characters');

  const timestamp = singleHeader(headers, WebhookHeader.Timestamp);
  if (!UNIX_SECONDS.test(timestamp)) {
    throw malformed(WebhookHeader.Timestamp, 'must be an integer number of Unix seconds');
  }

  const entries = singleHeader(headers, WebhookHeader.Signature).split(' ').filter(Boolean);
  const parsed = entries.map((entry) => SIGNATURE_ENTRY.exec(entry));
  if (parsed.length === 0 || parsed.some((match) => match === null)) {
    throw malformed(
      WebhookHeader.Signature,
      'must be space-separated "<version>,<signature>" entries',
    );
  }
  const v1Signatures = parsed.flatMap((match) => (match?.[1] === 'v1' ? [match[2]] : []));
  return { id, timestamp: Number(timestamp), v1Signatures };
}

/** Rejects deliveries signed too long ago or in the future (replay window and clock skew). */
export function assertFreshTimestamp(
  timestampSeconds: number,
  now: Date,
  toleranceSeconds: number,
): void {
  const skewSeconds = Math.floor(now.getTime() / 1000) - timestampSeconds;
  if (Math.abs(skewSeconds) > toleranceSeconds) {
    throw ehrWebhookError(
      EhrWebhookErrorCode.StaleTimestamp,
      `${WebhookHeader.Timestamp} is outside the accepted window of ±${toleranceSeconds} seconds`,
      {
        header: WebhookHeader.Timestamp,
        toleranceSeconds,
        direction: skewSeconds > 0 ? 'past' : 'future',
      },
    );
  }
}

/** The base64 v1 signature of a delivery. */
export function computeV1Signature(
  key: Buffer,
  id: string,
  timestampSeconds: number,
  body: Buffer | string,
): string {
  return createHmac('sha256', key)
    .update(`${id}.${timestampSeconds}.`)
    .update(body)
    .digest('base64');
}

/** Passes when any v1 entry matches; compares in constant time so timing leaks no prefix. */
export function assertValidSignature(
  key: Buffer,
  headers: WebhookSignatureHeaders,
  body: Buffer,
): void {
  const expected = createHmac('sha256', key)
    .update(`${headers.id}.${headers.timestamp}.`)
    .update(body)
    .digest();
  const matches = headers.v1Signatures.some((candidate) => {
    const actual = Buffer.from(candidate, 'base64');
    return actual.length === HMAC_SHA256_BYTES && timingSafeEqual(actual, expected);
  });
  if (!matches) {
    throw ehrWebhookError(
      EhrWebhookErrorCode.InvalidSignature,
      headers.v1Signatures.length === 0
        ? `${WebhookHeader.Signature} carries no v1 signature`
        : `No ${WebhookHeader.Signature} entry matches the tenant's secret`,
      { header: WebhookHeader.Signature },
    );
  }
}

function singleHeader(headers: IncomingHeaders, name: string): string {
  const value = headers[name];
  if (value === undefined || value === '') {
    throw ehrWebhookError(
      EhrWebhookErrorCode.MissingSignatureHeader,
      `Header ${name} is required`,
      {
        header: name,
      },
    );
  }
  // Only set-cookie arrives as an array in Node; anything else here is a crafted request.
  if (Array.isArray(value)) throw malformed(name, 'must appear once');
  return value.trim();
}

function malformed(header: string, problem: string) {
  return ehrWebhookError(
    EhrWebhookErrorCode.MalformedSignatureHeader,
    `Header ${header} ${problem}`,
    { header },
  );
}
