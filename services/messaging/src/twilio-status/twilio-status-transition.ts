import { MessageTransition } from '../message/message-state';

/**
 * What a Twilio message status means for our state machine; undefined for statuses that
 * change nothing for us (accepted, queued, sending, scheduled, …).
 * https://www.twilio.com/docs/messaging/api/message-resource#message-status-values
 */
export function transitionForTwilioStatus(status: string): MessageTransition | undefined {
  switch (status) {
    case 'sent':
      return MessageTransition.ProviderSent;
    case 'delivered':
    case 'read':
      return MessageTransition.ProviderDelivered;
    case 'undelivered':
      return MessageTransition.ProviderUndelivered;
    case 'failed':
      return MessageTransition.ProviderFailed;
    default:
      return undefined;
  }
}
