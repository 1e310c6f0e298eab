import { redactLinkTokens } from './link-token-paths';

describe(redactLinkTokens.name, () => {
  it.each([
    ['/a/q3Zp8vLk2Xw9RtYb1NcA4g', '/a/[token]'],
    ['/a/q3Zp8vLk2Xw9RtYb1NcA4g/confirm?lang=es', '/a/[token]/confirm?lang=es'],
    ['/A/q3Zp8vLk2Xw9RtYb1NcA4g/cancel', '/A/[token]/cancel'],
    ['//o/q3Zp8vLk2Xw9RtYb1NcA4g', '/o/[token]'],
    [
      'https://links.example/itineraries/q3Zp8vLk2Xw9RtYb1NcA4g#day-2',
      'https://links.example/itineraries/[token]#day-2',
    ],
    [
      'GET http://127.0.0.1:3003/o/q3Zp8vLk2Xw9RtYb1NcA4g/accept',
      'GET http://127.0.0.1:3003/o/[token]/accept',
    ],
    ['Cannot POST /a/q3Zp8vLk2Xw9RtYb1NcA4g/confirm', 'Cannot POST /a/[token]/confirm'],
  ])('should replace the token of %s', (text, expected) => {
    expect(redactLinkTokens(text)).toBe(expected);
  });

  it.each([
    '/v1/appointments/4b1c2a9e',
    'at render (/work/app/services/messaging/src/a/page.ts:12:3)',
    'Mapped {/a/:token/confirm, POST} route',
    '/itineraries',
    '/area/q3Zp8vLk2Xw9RtYb1NcA4g',
  ])('should leave %s as it is', (text) => {
    expect(redactLinkTokens(text)).toBe(text);
  });
});
