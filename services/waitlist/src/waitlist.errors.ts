import { HttpStatus } from '@nestjs/common';

import { DomainError, domainErrors } from '@caredispatch/platform';

export enum WaitlistErrorCode {
  InvalidRequest = 'INVALID_REQUEST',
  EntryNotFound = 'ENTRY_NOT_FOUND',
  OfferNotFound = 'OFFER_NOT_FOUND',
  SlotNotFound = 'SLOT_NOT_FOUND',
  /** The slot was taken (or the hold ran out) before this acceptance. */
  SlotNoLongerAvailable = 'SLOT_NO_LONGER_AVAILABLE',
  OfferClosed = 'OFFER_CLOSED',
}

export class WaitlistError extends DomainError<WaitlistErrorCode> {}

/** Exhaustive: a new code cannot ship without a status. */
export function waitlistHttpStatus(code: WaitlistErrorCode): HttpStatus {
  switch (code) {
    case WaitlistErrorCode.InvalidRequest:
      return HttpStatus.BAD_REQUEST;
    case WaitlistErrorCode.EntryNotFound:
    case WaitlistErrorCode.OfferNotFound:
    case WaitlistErrorCode.SlotNotFound:
      return HttpStatus.NOT_FOUND;
    case WaitlistErrorCode.SlotNoLongerAvailable:
    case WaitlistErrorCode.OfferClosed:
      return HttpStatus.CONFLICT;
  }
}

export const waitlistErrors = domainErrors(WaitlistError, waitlistHttpStatus);

export const entryNotFound = (): WaitlistError =>
  new WaitlistError(WaitlistErrorCode.EntryNotFound, 'Waitlist entry not found');
export const offerNotFound = (): WaitlistError =>
  new WaitlistError(WaitlistErrorCode.OfferNotFound, 'Offer not found');
export const slotNotFound = (): WaitlistError =>
  new WaitlistError(WaitlistErrorCode.SlotNotFound, 'Slot not found');
