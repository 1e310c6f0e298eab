import { classifySmtpFailure } from './smtp';

describe(classifySmtpFailure.name, () => {
  it.each([
    [{ responseCode: 550 }, { kind: 'rejected', code: 'smtp:550' }],
    [{ responseCode: 451 }, { kind: 'not_accepted', code: 'smtp:451' }],
    [{ code: 'ECONNREFUSED' }, { kind: 'not_accepted', code: 'smtp:ECONNREFUSED' }],
    [{ code: 'ETIMEDOUT' }, { kind: 'outcome_unknown', code: 'smtp:ETIMEDOUT' }],
    [new Error('socket hang up'), { kind: 'outcome_unknown', code: 'smtp:unexpected' }],
  ])('should classify %p as %p', (error, expected) => {
    expect(classifySmtpFailure(error)).toEqual(expected);
  });
});
