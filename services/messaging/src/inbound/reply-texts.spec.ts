import { countSmsSegments } from '../reminders/planning/sms-segments';

import { renderReply, replyLanguage, ReplyKind } from './reply-texts';

describe(renderReply.name, () => {
  const longPractice = 'The Very Long Named Community Family Health Practice of the Valley';

  it.each(
    Object.values(ReplyKind).flatMap((kind) => [
      [kind, 'en'],
      [kind, 'es'],
    ]) as [ReplyKind, 'en' | 'es'][],
  )('should keep the %s reply in %s to one GSM-7 segment', (kind, language) => {
    const sut = renderReply(kind, language, longPractice);

    expect(countSmsSegments(sut)).toEqual(
      expect.objectContaining({ encoding: 'GSM-7', segments: 1 }),
    );
  });

  it('should name the practice and how to resubscribe in the opt-out confirmation', () => {
    const sut = renderReply(ReplyKind.OptedOut, 'en', 'Acme Family Practice');

    expect(sut).toBe(
      'Acme Family Practice: You are unsubscribed and will get no more texts. Reply START to resubscribe.',
    );
  });
});

describe(replyLanguage.name, () => {
  it.each([
    ['PARAR', 'es'],
    ['Alto!', 'es'],
    ['no me envien mensajes por favor', 'es'],
    ['STOP', 'en'],
    ['please stop texting me', 'en'],
    ['HELP', 'en'],
  ])('should answer %s in %s', (body, language) => {
    expect(replyLanguage(body)).toBe(language);
  });
});
