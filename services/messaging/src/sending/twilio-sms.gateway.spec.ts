import twilio from 'twilio';

import { rebase } from './base-url-request-client';
import { SmsFailureKind } from './sms-gateway.port';
import { classify } from './twilio-sms.gateway';

function restException(statusCode: number, code: number): Error {
  return new twilio.RestException({ statusCode, body: { code, message: 'x', status: statusCode } });
}

function socketError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe(classify.name, () => {
  it.each([
    [restException(400, 21211), SmsFailureKind.Rejected, '21211'],
    [restException(400, 21610), SmsFailureKind.Rejected, '21610'],
    [restException(429, 20429), SmsFailureKind.NotAccepted, '20429'],
    [restException(401, 20003), SmsFailureKind.NotAccepted, '20003'],
    [restException(500, 20500), SmsFailureKind.OutcomeUnknown, '20500'],
    [restException(503, 20503), SmsFailureKind.OutcomeUnknown, '20503'],
    [socketError('ECONNREFUSED'), SmsFailureKind.NotAccepted, 'ECONNREFUSED'],
    [socketError('ECONNRESET'), SmsFailureKind.OutcomeUnknown, 'ECONNRESET'],
    [socketError('ECONNABORTED'), SmsFailureKind.OutcomeUnknown, 'ECONNABORTED'],
    [new Error('boom'), SmsFailureKind.OutcomeUnknown, 'UNKNOWN'],
  ])('should classify %s as %s', (error, kind, code) => {
    const sut = classify(error);

    expect({ kind: sut.kind, code: sut.code }).toEqual({ kind, code });
  });

  it("should not copy Twilio's message, which can quote the phone number", () => {
    const error = new twilio.RestException({
      statusCode: 400,
      body: {
        code: 21211,
        message: "The 'To' number +15005550001 is not a valid phone number.",
        status: 400,
      },
    });

    const sut = classify(error);

    expect(sut.message).not.toContain('+1500');
  });
});

describe(rebase.name, () => {
  it('should keep the SDK path and query and swap the origin', () => {
    const sut = rebase(
      'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?To=%2B1&PageSize=50',
      new URL('http://127.0.0.1:4010'),
    );

    expect(sut).toBe(
      'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?To=%2B1&PageSize=50',
    );
  });

  it('should keep a path prefix of the base URL', () => {
    const sut = rebase(
      'https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json',
      new URL('https://proxy.local/twilio/'),
    );

    expect(sut).toBe('https://proxy.local/twilio/2010-04-01/Accounts/AC1/Messages.json');
  });
});
