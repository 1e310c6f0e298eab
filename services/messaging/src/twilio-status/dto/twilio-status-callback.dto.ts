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
}

const SID = /^(SM|MM)[0-9a-fA-F]{32}$/;

/** Parses the urlencoded body; runs after the signature check, so only Twilio's input reaches it. */
export function parseTwilioStatusCallback(body: unknown): TwilioStatusCallback {
  const form = asForm(body);
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
  if (problems.length > 0 || messageSid === undefined || messageStatus === undefined) {
    throw new MessagingError(MessagingErrorCode.StatusCallbackInvalid, 'Invalid status callback', {
      problems,
    });
  }
  return { messageSid, messageStatus, errorCode: errorCode ? errorCode : null };
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
