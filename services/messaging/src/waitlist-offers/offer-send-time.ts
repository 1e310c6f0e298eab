import {
  DEFAULT_QUIET_HOURS,
  moveOutOfQuietHours,
  type QuietHours,
} from '../reminders/planning/quiet-hours';

/**
 * When an offer text may go out: now, or the next 08:00 local if it is quiet hours
 * (08:00–21:00 local, the location's zone) — but only while the hold still runs. Null: no
 * allowed time before the hold ends, so the text is not sent at all (the hold runs out and the
 * waitlist moves to the next wave).
 */
export function offerSendTime(input: {
  readonly now: Date;
  readonly holdUntil: Date;
  readonly timeZone: string;
  readonly quietHours?: QuietHours;
}): Date | null {
  return moveOutOfQuietHours(input.now, input.timeZone, input.quietHours ?? DEFAULT_QUIET_HOURS, {
    notBefore: input.now,
    before: input.holdUntil,
  });
}
