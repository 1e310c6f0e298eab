import { MessagingError, MessagingErrorCode } from '../../messaging.errors';

/**
 * The fields of a Twilio message StatusCallback messaging acts on
 * (https://www.twilio.com/docs/messaging/guides/track-outbound-message-status). Twilio
 * sends more (To, From, AccountSid, …); they are covered by the signature and ignored.
 */
export interface TwilioStatusCallback {
  readonly messageSid: string;
  readonly messageStatus: string;
  readonly errorCode: string | null;
  /** Our message id from the callback URL's query (MessageSender puts it there); null without. */
  readonly messageId: string | null;
}

const SID = /^(SM|MM)[0-9a-fA-F]{32}$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses the urlencoded body and the callback URL's query; runs after the signature check
 * (which covers both), so only Twilio's input reaches it.
 */
export function parseTwilioStatusCallback(
  body: unknown,
  query: unknown = {},
): TwilioStatusCallback {
  const form = asForm(body);
  const messageId = asForm(query)['messageId'];
  const messageSid = form['MessageSid'];
  const messageStatus = form['MessageStatus'] ?? form['SmsStatus'];
  const errorCode = form['ErrorCode'];
  const problems: string[] = [];
  if (messageSid === undefined || !SID.test(messageSid))
    problems.push('MessageSid must be a Message SID');
  if (messageStatus === undefined || !/^[a-z_]{1,40}$/.test(messageStatus))
    problems.push('MessageStatus is required');
  if (errorCode !== undefined && errorCode !== '' && !/^\d{1,10}$/.test(errorCode))
    problems.push('ErrorCode must be numeric');
  if (messageId !== undefined && !UUID.test(messageId))
    problems.push('messageId (query) must be a UUID');
  if (problems.length > 0 || messageSid === undefined || messageStatus === undefined) {
    throw new MessagingError(MessagingErrorCode.StatusCallbackInvalid, 'Invalid status callback', {
      problems,
    });
  }
  return {
    messageSid,
    messageStatus,
    errorCode: errorCode ? errorCode : null,
    messageId: messageId?.toLowerCase() ?? null,
  };
}

/** Express' urlencoded parser (extended: false) yields strings, or arrays for repeated keys. */
export function asForm(body: unknown): Readonly<Partial<Record<string, string>>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const form: Partial<Record<string, string>> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') form[key] = value;
  }
  return form;
}
