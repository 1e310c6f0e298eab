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

    expect(sut).toEqual({
      messageSid: SID,
      messageStatus: 'undelivered',
      errorCode: '30003',
      messageId: null,
    });
  });

  it('should read our message id from the callback URL query', () => {
    const messageId = '0b6c5f7e-8d1a-4c2b-9e3f-a1b2c3d4e5f6';

    const sut = parseTwilioStatusCallback(
      { MessageSid: SID, MessageStatus: 'sent' },
      { messageId: messageId.toUpperCase() },
    );

    expect(sut.messageId).toBe(messageId);
  });

  it('should reject a callback whose messageId is not a UUID, naming the field', () => {
    const act = (): unknown =>
      parseTwilioStatusCallback({ MessageSid: SID, MessageStatus: 'sent' }, { messageId: 'x' });

    expect(act).toThrow(
      expect.objectContaining({
        code: MessagingErrorCode.StatusCallbackInvalid,
        details: { problems: ['messageId (query) must be a UUID'] },
      }) as Error,
    );
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
