import { type IgnoredReason } from '../classification/classify-appointment-change';

/**
 * The 202 body. `accepted` names the event that will be published; `duplicate` means this
 * webhook-id or this appointment version was already processed (nothing changed); `ignored` was recorded but changes nothing a
 * patient would notice. Rejections use the error body instead.
 */
export type WebhookReceiptDto =
  | { readonly status: 'accepted'; readonly eventId: string }
  | { readonly status: 'duplicate' }
  | { readonly status: 'ignored'; readonly reason: IgnoredReason };
