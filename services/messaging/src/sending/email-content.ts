/**
 * A rendered email as stored in message.body (encrypted, like a text): one column, so
 * retention, key rotation and the sendable check treat emails and texts alike.
 */
export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function serializeEmailContent(content: EmailContent): string {
  return JSON.stringify({ subject: content.subject, text: content.text, html: content.html });
}

export function parseEmailContent(stored: string): EmailContent {
  const value: unknown = JSON.parse(stored);
  if (
    typeof value === 'object' &&
    value !== null &&
    'subject' in value &&
    'text' in value &&
    'html' in value &&
    typeof value.subject === 'string' &&
    typeof value.text === 'string' &&
    typeof value.html === 'string'
  ) {
    return { subject: value.subject, text: value.text, html: value.html };
  }
  throw new Error('stored email content is malformed');
}
