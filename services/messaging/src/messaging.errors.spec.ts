import { HttpStatus } from '@nestjs/common';

import { DomainError } from '@caredispatch/platform';

import { MessagingError, MessagingErrorCode, messagingErrors } from './messaging.errors';

describe('messagingErrors', () => {
  it.each([
    [MessagingErrorCode.TwilioSignatureInvalid, HttpStatus.FORBIDDEN],
    [MessagingErrorCode.StatusCallbackInvalid, HttpStatus.BAD_REQUEST],
  ])('should map %s to %s', (code, status) => {
    const sut = messagingErrors.statusOf(new MessagingError(code, 'x'));

    expect(sut).toBe(status);
  });

  it('should not own a DomainError of another domain, even with a messaging code', () => {
    const sut = messagingErrors.statusOf(
      new DomainError(MessagingErrorCode.StatusCallbackInvalid, 'from elsewhere'),
    );

    expect(sut).toBeUndefined();
  });
});
