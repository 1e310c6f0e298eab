import { signWebhook } from '@caredispatch/testing';

import { EhrWebhookErrorCode, isDomainError } from '../ehr-webhook.errors';

import {
  assertFreshTimestamp,
  assertValidSignature,
  computeV1Signature,
  readSignatureHeaders,
} from './standard-webhooks';
import { decodeWebhookSecret } from './webhook-secret';

// Published test vector of the Standard Webhooks reference libraries (and Svix's docs).
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

function keyOf(secret: string): Buffer {
  const key = decodeWebhookSecret(secret);
  if (!Buffer.isBuffer(key)) throw new Error(key.problem);
  return key;
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
  return undefined;
}

function headersFor(signature: string, overrides: Record<string, string | undefined> = {}) {
  return {
    'webhook-id': vector.id,
    'webhook-timestamp': String(vector.timestamp),
    'webhook-signature': signature,
    ...overrides,
  };
}

describe(computeV1Signature.name, () => {
  it('should reproduce the published Standard Webhooks test vector', () => {
    const sut = computeV1Signature(keyOf(vector.secret), vector.id, vector.timestamp, vector.body);

    expect(`v1,${sut}`).toBe(vector.signature);
  });

  it('should agree with the independent test signer', () => {
    const sut = computeV1Signature(keyOf(vector.secret), 'msg_2', 1700000000, '{"a":1}');

    expect(`v1,${sut}`).toBe(signWebhook(vector.secret, 'msg_2', 1700000000, '{"a":1}'));
  });
});

describe(assertValidSignature.name, () => {
  const key = keyOf(vector.secret);
  const body = Buffer.from(vector.body);

  it('should accept the published test vector', () => {
    const sut = () => {
      assertValidSignature(key, readSignatureHeaders(headersFor(vector.signature)), body);
    };

    expect(sut).not.toThrow();
  });

  it('should accept when any one entry of a rotated signature list matches', () => {
    const header = `v1,${Buffer.alloc(32).toString('base64')} v1a,ignored-asymmetric ${vector.signature}`;

    const sut = () => {
      assertValidSignature(key, readSignatureHeaders(headersFor(header)), body);
    };

    expect(sut).not.toThrow();
  });

  it('should reject a body changed by a single byte', () => {
    const tampered = Buffer.from(vector.body.replace('2432232314', '2432232315'));

    const sut = codeOf(() => {
      assertValidSignature(key, readSignatureHeaders(headersFor(vector.signature)), tampered);
    });

    expect(sut).toBe(EhrWebhookErrorCode.InvalidSignature);
  });

  it('should reject a signature made with another secret', () => {
    const other = signWebhook(
      'whsec_' + Buffer.alloc(32, 7).toString('base64'),
      vector.id,
      vector.timestamp,
      body,
    );

    const sut = codeOf(() => {
      assertValidSignature(key, readSignatureHeaders(headersFor(other)), body);
    });

    expect(sut).toBe(EhrWebhookErrorCode.InvalidSignature);
  });

  it('should reject when the signed id differs from the webhook-id header', () => {
    const headers = readSignatureHeaders(
      headersFor(vector.signature, { 'webhook-id': 'msg_other' }),
    );

    const sut = codeOf(() => {
      assertValidSignature(key, headers, body);
    });

    expect(sut).toBe(EhrWebhookErrorCode.InvalidSignature);
  });

  it('should reject a truncated signature without comparing unequal lengths', () => {
    const sut = codeOf(() => {
      assertValidSignature(
        key,
        readSignatureHeaders(headersFor(vector.signature.slice(0, 20))),
        body,
      );
    });

    expect(sut).toBe(EhrWebhookErrorCode.InvalidSignature);
  });

  it('should reject a header that carries only non-v1 schemes', () => {
    const sut = codeOf(() => {
      assertValidSignature(key, readSignatureHeaders(headersFor('v1a,c2lnbmF0dXJl')), body);
    });

    expect(sut).toBe(EhrWebhookErrorCode.InvalidSignature);
  });
});

describe(readSignatureHeaders.name, () => {
  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
    'should name %s when it is missing',
    (header) => {
      const sut = codeOf(() =>
        readSignatureHeaders(headersFor(vector.signature, { [header]: undefined })),
      );

      expect(sut).toBe(EhrWebhookErrorCode.MissingSignatureHeader);
    },
  );

  it.each([
    ['webhook-timestamp', '2021-02-25T15:02:10Z'],
    ['webhook-timestamp', '1614265330.5'],
    ['webhook-signature', 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='],
    ['webhook-id', 'id with spaces'],
  ])('should reject %s = %p', (header, value) => {
    const sut = codeOf(() =>
      readSignatureHeaders(headersFor(vector.signature, { [header]: value })),
    );

    expect(sut).toBe(EhrWebhookErrorCode.MalformedSignatureHeader);
  });
});

describe(assertFreshTimestamp.name, () => {
  const signedAt = new Date(vector.timestamp * 1000);
  const secondsLater = (seconds: number) => new Date(signedAt.getTime() + seconds * 1000);

  it('should accept a timestamp exactly at the edge of the tolerance', () => {
    expect(() => {
      assertFreshTimestamp(vector.timestamp, secondsLater(300), 300);
    }).not.toThrow();
    expect(() => {
      assertFreshTimestamp(vector.timestamp, secondsLater(-300), 300);
    }).not.toThrow();
  });

  it('should reject a timestamp older than the tolerance', () => {
    const sut = codeOf(() => {
      assertFreshTimestamp(vector.timestamp, secondsLater(301), 300);
    });

    expect(sut).toBe(EhrWebhookErrorCode.StaleTimestamp);
  });

  it('should reject a timestamp from the future beyond the tolerance', () => {
    const sut = codeOf(() => {
      assertFreshTimestamp(vector.timestamp, secondsLater(-301), 300);
    });

    expect(sut).toBe(EhrWebhookErrorCode.StaleTimestamp);
  });
});

describe(decodeWebhookSecret.name, () => {
  it('should decode a whsec_ secret as base64 key bytes', () => {
    const sut = decodeWebhookSecret(vector.secret);

    expect(sut).toEqual(Buffer.from('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'base64'));
  });

  it('should use a plain secret as its UTF-8 bytes', () => {
    const sut = decodeWebhookSecret('a-plain-shared-secret-of-32-chars');

    expect(sut).toEqual(Buffer.from('a-plain-shared-secret-of-32-chars', 'utf8'));
  });

  it.each(['whsec_not base64!', 'whsec_c2hvcnQ=', 'too-short'])(
    'should refuse the unusable secret %s',
    (secret) => {
      const sut = decodeWebhookSecret(secret);

      expect(Buffer.isBuffer(sut)).toBe(false);
    },
  );
});
