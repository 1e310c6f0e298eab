import { AnswerKind, parseCancelReason } from './patient-answer';
import { type LinkAction } from './patient-links.service';

/** The page's forms, by the path segment they post to (`/a/{token}/{action}`). */
export type PageAction = 'confirm' | 'cancel' | 'reschedule' | 'call-me' | 'earlier';

export type FormFields = Readonly<Record<string, unknown>>;

const MAX_SLOT_ID_CHARS = 200;

/**
 * What each form asks for, read from its fields; undefined for a form this page never
 * renders (an uncoded reason, a missing or oversized slot id), which is answered like a bad
 * anti-forgery value and changes nothing.
 */
export const PAGE_ACTIONS: Readonly<
  Record<PageAction, (form: FormFields) => LinkAction | undefined>
> = {
  confirm: () => ({ kind: AnswerKind.Confirmed }),
  cancel: (form) => {
    const reason = parseCancelReason(form['reason']);
    return reason === 'invalid' ? undefined : { kind: AnswerKind.Cancelled, reason };
  },
  reschedule: (form) => {
    const slotId = form['slot'];
    return typeof slotId === 'string' && slotId.length > 0 && slotId.length <= MAX_SLOT_ID_CHARS
      ? { kind: AnswerKind.Rescheduled, slotId }
      : undefined;
  },
  'call-me': () => ({ kind: AnswerKind.RescheduleRequested }),
  earlier: () => ({ kind: AnswerKind.EarlierRequested }),
};

export function formFieldsOf(body: unknown): FormFields {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as FormFields)
    : {};
}
