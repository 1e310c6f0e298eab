import { HttpStatus } from '@nestjs/common';

import { DomainError } from '@caredispatch/platform';

import { MessagingErrorCode, messagingHttpStatus } from './messaging.errors';

describe(messagingHttpStatus.name, () => {
  it.each([
    [MessagingErrorCode.TwilioSignatureInvalid, HttpStatus.FORBIDDEN],
    [MessagingErrorCode.StatusCallbackInvalid, HttpStatus.BAD_REQUEST],
    ['SOMETHING_ELSE', HttpStatus.INTERNAL_SERVER_ERROR],
  ])('should map %s to %s', (code, status) => {
    const sut = messagingHttpStatus(new DomainError(code, 'x'));

    expect(sut).toBe(status);
  });
});
