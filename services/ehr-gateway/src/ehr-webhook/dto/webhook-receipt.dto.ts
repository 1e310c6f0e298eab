import { type ApiResponseSchemaHost } from '@nestjs/swagger';

import { IgnoredReason } from '../classification/classify-appointment-change';

/**
 * The 202 body. `accepted` names the event that will be published; `duplicate` means this
 * webhook-id or this appointment version was already processed (nothing changed); `ignored` was recorded but changes nothing a
 * patient would notice. Rejections use the error body instead.
 */
export type WebhookReceiptDto =
  | { readonly status: 'accepted'; readonly eventId: string }
  | { readonly status: 'duplicate' }
  | { readonly status: 'ignored'; readonly reason: IgnoredReason };

/** The OpenAPI schema of WebhookReceiptDto (one of its three forms). */
export const webhookReceiptSchema: ApiResponseSchemaHost['schema'] = {
  oneOf: [
    {
      type: 'object',
      required: ['status', 'eventId'],
      properties: { status: { type: 'string', enum: ['accepted'] }, eventId: { type: 'string' } },
    },
    {
      type: 'object',
      required: ['status'],
      properties: { status: { type: 'string', enum: ['duplicate'] } },
    },
    {
      type: 'object',
      required: ['status', 'reason'],
      properties: {
        status: { type: 'string', enum: ['ignored'] },
        reason: { type: 'string', enum: Object.values(IgnoredReason) },
      },
    },
  ],
};
