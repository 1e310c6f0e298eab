import { EhrWebhookErrorCode, isDomainError } from './ehr-webhook.errors';
import { assertJsonMediaType, parseJsonBody } from './webhook-body';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (isDomainError(error)) return error.code;
    throw error;
  }
  return undefined;
}

describe(assertJsonMediaType.name, () => {
  it.each([
    'application/fhir+json',
    'application/json',
    'application/fhir+json; charset=utf-8',
    'Application/JSON;charset="UTF-8"',
  ])('should accept %p', (contentType) => {
    expect(codeOf(() => assertJsonMediaType(contentType))).toBeUndefined();
  });

  it.each([
    undefined,
    '',
    'text/plain',
    'application/xml',
    'application/fhir+xml',
    'application/json; charset=latin1',
  ])('should refuse %p as UNSUPPORTED_MEDIA_TYPE', (contentType) => {
    expect(codeOf(() => assertJsonMediaType(contentType))).toBe(
      EhrWebhookErrorCode.UnsupportedMediaType,
    );
  });
});

describe(parseJsonBody.name, () => {
  it('should parse UTF-8 JSON, BOM included', () => {
    const sut = parseJsonBody(Buffer.from('\uFEFF{"resourceType":"Appointment"}', 'utf8'));

    expect(sut).toEqual({ resourceType: 'Appointment' });
  });

  it.each([
    ['truncated JSON', Buffer.from('{"a":', 'utf8')],
    ['an empty body', Buffer.alloc(0)],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])],
  ])('should refuse %s as MALFORMED_JSON', (_case, body) => {
    expect(codeOf(() => parseJsonBody(body))).toBe(EhrWebhookErrorCode.MalformedJson);
  });
});
