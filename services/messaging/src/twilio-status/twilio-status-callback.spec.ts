import { DomainError } from '@caredispatch/platform';

import { MessageTransition } from '../message/message-state';
import { MessagingErrorCode } from '../messaging.errors';

import { parseTwilioStatusCallback } from './dto/twilio-status-callback.dto';
import { transitionForTwilioStatus } from './twilio-status-transition';

const SID = 'SM0123456789abcdef0123456789abcdef';

describe(parseTwilioStatusCallback.name, () => {
  it('should read the SID, status and error code of a Twilio callback', () => {
    const sut = parseTwilioStatusCallback({
      MessageSid: SID,
      MessageStatus: 'undelivered',
      ErrorCode: '30003',
      To: '+15005550006',
    });

    expect(sut).toEqual({ messageSid: SID, messageStatus: 'undelivered', errorCode: '30003' });
  });

  it('should reject a callback without a Message SID', () => {
    const act = (): unknown => parseTwilioStatusCallback({ MessageStatus: 'delivered' });

    expect(act).toThrow(DomainError);
    expect(act).toThrow(
      expect.objectContaining({ code: MessagingErrorCode.StatusCallbackInvalid }) as Error,
    );
  });
});

describe(transitionForTwilioStatus.name, () => {
  it.each([
    ['sent', MessageTransition.ProviderSent],
    ['delivered', MessageTransition.ProviderDelivered],
    ['read', MessageTransition.ProviderDelivered],
    ['undelivered', MessageTransition.ProviderUndelivered],
    ['failed', MessageTransition.ProviderFailed],
    ['queued', undefined],
    ['accepted', undefined],
    ['sending', undefined],
  ])('should map Twilio status %s to %s', (status, expected) => {
    const sut = transitionForTwilioStatus(status);

    expect(sut).toBe(expected);
  });
});
