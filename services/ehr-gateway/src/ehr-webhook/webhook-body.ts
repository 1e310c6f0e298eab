import { EhrWebhookErrorCode, ehrWebhookError } from './ehr-webhook.errors';

/** FHIR's JSON media type (R4 §3.1.0.1.7) and the generic one many integration engines send. */
export const ACCEPTED_MEDIA_TYPES = ['application/fhir+json', 'application/json'] as const;

export function assertJsonMediaType(contentType: string | undefined): void {
  const [mediaType = '', ...parameters] = (contentType ?? '')
    .split(';')
    .map((part) => part.trim().toLowerCase());
  const charset = parameters
    .find((parameter) => parameter.startsWith('charset='))
    ?.slice('charset='.length);
  const acceptedType = ACCEPTED_MEDIA_TYPES.some((accepted) => accepted === mediaType);
  // JSON is UTF-8 on the wire (RFC 8259 §8.1); any other declared charset is a sender bug.
  if (!acceptedType || (charset !== undefined && charset.replace(/"/g, '') !== 'utf-8')) {
    throw ehrWebhookError(
      EhrWebhookErrorCode.UnsupportedMediaType,
      `Content-Type must be one of ${ACCEPTED_MEDIA_TYPES.join(', ')} (UTF-8)`,
      { header: 'content-type' },
    );
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses the (already authenticated) raw body; invalid UTF-8 counts as malformed JSON. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(utf8.decode(body)) as unknown;
  } catch {
    // The parser's message quotes the offending text, which may be PHI: say only where to look.
    throw ehrWebhookError(
      EhrWebhookErrorCode.MalformedJson,
      'Request body is not valid UTF-8 JSON',
    );
  }
}
