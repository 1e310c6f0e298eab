import { parseEmailContent, serializeEmailContent } from './email-content';

describe(parseEmailContent.name, () => {
  it('should read back what was stored', () => {
    const content = { subject: 'Reminder', text: 'Hi Ana', html: '<p>Hi Ana</p>' };

    const sut = parseEmailContent(serializeEmailContent(content));

    expect(sut).toEqual(content);
  });

  it.each(['{}', '{"subject":"s","text":"t"}', '{"subject":1,"text":"t","html":"h"}', 'null'])(
    'should refuse malformed content %s',
    (stored) => {
      expect(() => parseEmailContent(stored)).toThrow('stored email content is malformed');
    },
  );
});
