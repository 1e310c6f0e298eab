import { messageLanguageOf, shippedLanguageOf } from './patient-language';

describe(messageLanguageOf.name, () => {
  it.each([
    ['es', 'es'],
    ['es-MX', 'es'],
    ['es-419', 'es'],
    ['ES-us', 'es'],
    ['spa', 'es'],
    ['en-US', 'en'],
    ['eng', 'en'],
  ])('should write to a patient who prefers %s in %s', (tag, expected) => {
    expect(messageLanguageOf(tag)).toBe(expected);
  });

  it.each([undefined, null, '', 'fr', 'zh-Hant-TW', 'x-klingon'])(
    'should fall back to the given default for %j',
    (tag) => {
      expect(messageLanguageOf(tag, 'es')).toBe('es');
      expect(messageLanguageOf(tag)).toBe('en');
    },
  );
});

describe(shippedLanguageOf.name, () => {
  it('should tell an unknown language apart from a shipped one', () => {
    expect(shippedLanguageOf('es-MX')).toBe('es');
    expect(shippedLanguageOf('fr-CA')).toBeUndefined();
    expect(shippedLanguageOf(undefined)).toBeUndefined();
  });
});
