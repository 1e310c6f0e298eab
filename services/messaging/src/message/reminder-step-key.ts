/** Suffix of the step key of a reminder text's email stand-in (Twilio 30003/30006). */
const EMAIL_FALLBACK_SUFFIX = '~email-fallback';

/** The fallback's own step key: unique beside the text's, so each step falls back at most once. */
export function emailFallbackStepKey(stepKey: string): string {
  return `${stepKey}${EMAIL_FALLBACK_SUFFIX}`;
}

export function isEmailFallbackStep(stepKey: string): boolean {
  return stepKey.endsWith(EMAIL_FALLBACK_SUFFIX);
}
