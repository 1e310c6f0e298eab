import { MessagingError, MessagingErrorCode } from '../../messaging.errors';
import { asForm } from '../../twilio-status/dto/twilio-status-callback.dto';

/**
 * The fields of Twilio's incoming-message webhook messaging acts on
 * (https://www.twilio.com/docs/messaging/guides/webhook-request). `from` and `body` are PHI.
 */
export interface TwilioInboundSms {
  readonly messageSid: string;
  readonly from: string;
  readonly body: string;
}

const SID = /^(SM|MM)[0-9a-fA-F]{32}$/;
const E164 = /^\+[1-9]\d{6,14}$/;
/** Twilio concatenates long texts up to 1600 characters. */
const MAX_BODY = 1600;

/** Parses the urlencoded body; runs after the signature check. Problems name fields, never values. */
export function parseTwilioInboundSms(body: unknown): TwilioInboundSms {
  const form = asForm(body);
  const messageSid = form['MessageSid'] ?? form['SmsSid'];
  const from = form['From'];
  const text = form['Body'] ?? '';
  const problems: string[] = [];
  if (messageSid === undefined || !SID.test(messageSid))
    problems.push('MessageSid must be a Message SID');
  if (from === undefined || !E164.test(from)) problems.push('From must be an E.164 number');
  if (text.length > MAX_BODY) problems.push(`Body must be at most ${MAX_BODY} characters`);
  if (problems.length > 0 || messageSid === undefined || from === undefined) {
    throw new MessagingError(MessagingErrorCode.InboundSmsInvalid, 'Invalid inbound SMS', {
      problems,
    });
  }
  return { messageSid, from, body: text };
}
