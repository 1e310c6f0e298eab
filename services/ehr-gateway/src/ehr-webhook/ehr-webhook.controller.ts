import { Controller, Headers, HttpCode, HttpStatus, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse } from '@nestjs/swagger';
import { type Request } from 'express';

import { PublicRoute } from '@caredispatch/auth';

import { type WebhookReceiptDto, webhookReceiptSchema } from './dto/webhook-receipt.dto';
import { EhrWebhookService } from './ehr-webhook.service';
import { type IncomingHeaders } from './signature/standard-webhooks';

/**
 * `POST /v1/tenants/{tenantId}/webhooks/fhir`: FHIR R4 Appointment webhooks signed per
 * Standard Webhooks. The body arrives as raw bytes (RawWebhookBodyInstaller) so the
 * signature is checked over exactly what was sent. 202: the event is durably staged and
 * will be published by the outbox relay.
 */
@Controller('v1/tenants/:tenantId/webhooks')
export class EhrWebhookController {
  constructor(private readonly webhooks: EhrWebhookService) {}

  @Post('fhir')
  @PublicRoute(
    "the EHR signs every delivery (Standard Webhooks, the tenant's own secret); the service verifies it",
  )
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiAcceptedResponse({ schema: webhookReceiptSchema })
  receiveFhir(
    @Param('tenantId') tenantId: string,
    @Headers() headers: IncomingHeaders,
    @Req() request: Request,
  ): Promise<WebhookReceiptDto> {
    const body: unknown = request.body;
    if (!Buffer.isBuffer(body)) {
      // Only possible if the JSON parser got the request first: a wiring bug, not a client error.
      throw new Error('webhook body was parsed before signature verification');
    }
    return this.webhooks.receive({
      tenantId,
      contentType: request.headers['content-type'],
      headers,
      body,
    });
  }
}
