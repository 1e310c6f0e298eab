import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { trace } from '@opentelemetry/api';

import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type EhrGatewayConfig } from '../config';

import { appointmentEventFor } from './appointment-events';
import {
  type AppointmentChange,
  classifyAppointmentChange,
  IgnoredReason,
} from './classification/classify-appointment-change';
import { type WebhookReceiptDto } from './dto/webhook-receipt.dto';
import { EhrWebhookErrorCode, ehrWebhookError, isDomainError } from './ehr-webhook.errors';
import { EhrWebhookRepository, WebhookIdAlreadyRecorded } from './ehr-webhook.repository';
import { normalizeFhirAppointment, type NormalizedAppointment } from './fhir/normalize-appointment';
import {
  assertFreshTimestamp,
  assertValidSignature,
  type IncomingHeaders,
  readSignatureHeaders,
  type WebhookSignatureHeaders,
} from './signature/standard-webhooks';
import { assertJsonMediaType, parseJsonBody } from './webhook-body';
import { type WebhookDeliveryOutcome } from './webhook-delivery.entity';

export interface IncomingWebhook {
  readonly tenantId: string;
  readonly contentType: string | undefined;
  readonly headers: IncomingHeaders;
  readonly body: Buffer;
}

/**
 * One FHIR webhook delivery, in the order that keeps unauthenticated input inert:
 * tenant → media type → signature headers → timestamp → signature → replay → JSON → FHIR,
 * and only then one transaction (webhook id + appointment state + outbox row). Any
 * rejection throws before the transaction, so nothing is stored or published.
 */
@Injectable()
export class EhrWebhookService {
  private readonly logger = new Logger(EhrWebhookService.name);

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: EhrGatewayConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly repository: EhrWebhookRepository,
  ) {}

  async receive(delivery: IncomingWebhook): Promise<WebhookReceiptDto> {
    const logged: Record<string, string> = { tenantId: delivery.tenantId.slice(0, 100) };
    try {
      const receipt = await this.process(delivery, logged);
      // JsonLogger takes the message from the object's `message` field.
      this.logger.log({
        message: 'webhook processed',
        ...logged,
        status: receipt.status,
        ...receiptIds(receipt),
      });
      return receipt;
    } catch (error) {
      // Ids and the error code only: bodies, names and phone numbers never reach the log.
      if (isDomainError(error))
        this.logger.warn({ message: 'webhook rejected', ...logged, code: error.code });
      throw error;
    }
  }

  private async process(
    delivery: IncomingWebhook,
    logged: Record<string, string>,
  ): Promise<WebhookReceiptDto> {
    const { tenantId } = delivery;
    const key = this.config.EHR_WEBHOOK_SECRETS.keyFor(tenantId);
    if (!key) {
      throw ehrWebhookError(
        EhrWebhookErrorCode.UnknownTenant,
        'No webhook secret is configured for this tenant',
        {
          parameter: 'tenantId',
        },
      );
    }
    assertJsonMediaType(delivery.contentType);
    const signature = readSignatureHeaders(delivery.headers);
    logged.webhookId = signature.id;
    assertFreshTimestamp(
      signature.timestamp,
      this.clock.now(),
      this.config.WEBHOOK_TOLERANCE_SECONDS,
    );
    assertValidSignature(key.reveal(), signature, delivery.body);
    // Standard Webhooks makes webhook-id the idempotency key: a sender that lost our 2xx
    // retries with the same id and must hear "done", not an error it would retry again.
    if (await this.repository.isKnownDelivery(tenantId, signature.id)) {
      return { status: 'duplicate' };
    }

    const normalized = normalizeFhirAppointment(parseJsonBody(delivery.body), {
      defaultPhoneRegion: this.config.DEFAULT_PHONE_REGION,
      defaultTimeZone: this.config.DEFAULT_TIME_ZONE,
      configuredPracticeName: this.config.PRACTICE_NAMES.get(tenantId),
    });
    logged.ehrAppointmentId = normalized.ehrAppointmentId;
    const correlationId = randomUUID();
    logged.correlationId = correlationId;
    trace.getActiveSpan()?.setAttributes({
      'caredispatch.tenant_id': tenantId,
      'caredispatch.ehr_appointment_id': normalized.ehrAppointmentId,
      'caredispatch.correlation_id': correlationId,
    });
    return this.record(tenantId, signature, normalized, correlationId);
  }

  private async record(
    tenantId: string,
    signature: WebhookSignatureHeaders,
    normalized: NormalizedAppointment,
    correlationId: string,
  ): Promise<WebhookReceiptDto> {
    try {
      return await this.recordOnce(tenantId, signature, normalized, correlationId);
    } catch (error) {
      // The same webhook-id committed concurrently; this attempt rolled back entirely.
      if (error instanceof WebhookIdAlreadyRecorded) return { status: 'duplicate' };
      throw error;
    }
  }

  private async recordOnce(
    tenantId: string,
    signature: WebhookSignatureHeaders,
    normalized: NormalizedAppointment,
    correlationId: string,
  ): Promise<WebhookReceiptDto> {
    await this.repository.prepareToPublish(tenantId);
    const appointmentKey = { tenantId, ehrAppointmentId: normalized.ehrAppointmentId };
    const webhookTimestamp = new Date(signature.timestamp * 1000);
    return this.repository.inTransaction(tenantId, async (transaction) => {
      const known = await transaction.lockState(appointmentKey);
      const classified = classifyAppointmentChange(known, normalized);
      const { nextState } = classified;
      // Our own write-back coming back: a confirmation is not news (no event); a move or a
      // cancellation still reaches scheduling, caused by the patient's response, not staff.
      const ownWriteBack = nextState
        ? await transaction.findOwnWriteBack(appointmentKey, normalized, this.clock.now())
        : undefined;
      const change: AppointmentChange =
        ownWriteBack && classified.change.kind === 'ignored'
          ? { kind: 'ignored', reason: IgnoredReason.OwnWriteBack }
          : classified.change;
      // State first: for a first sighting the INSERT is what serializes concurrent deliveries,
      // and the outbox row must follow the change that locks the aggregate.
      if (nextState) await transaction.saveState(appointmentKey, nextState, known === undefined);
      const event =
        nextState &&
        appointmentEventFor(
          change,
          normalized,
          nextState.sequence,
          ownWriteBack
            ? {
                tenantId,
                correlationId: ownWriteBack.correlationId,
                causationId: ownWriteBack.responseEventId,
              }
            : { tenantId, correlationId },
        );
      const eventId = event ? await transaction.publish(event) : null;
      await transaction.recordDelivery({
        tenantId,
        webhookId: signature.id,
        ehrAppointmentId: normalized.ehrAppointmentId,
        outcome: outcomeOf(change),
        eventId,
        correlationId,
        webhookTimestamp,
        expiresAt: new Date(
          webhookTimestamp.getTime() + this.config.WEBHOOK_ID_RETENTION_HOURS * 3_600_000,
        ),
      });
      return receiptFor(change, eventId);
    });
  }
}

function outcomeOf(change: AppointmentChange): WebhookDeliveryOutcome {
  switch (change.kind) {
    case 'booked':
    case 'rescheduled':
    case 'cancelled':
      return 'accepted';
    case 'duplicate':
      return 'duplicate';
    case 'ignored':
      return 'ignored';
  }
}

function receiptFor(change: AppointmentChange, eventId: string | null): WebhookReceiptDto {
  if (change.kind === 'duplicate') return { status: 'duplicate' };
  if (change.kind === 'ignored') return { status: 'ignored', reason: change.reason };
  if (eventId === null) throw new Error(`a ${change.kind} change must publish an event`);
  return { status: 'accepted', eventId };
}

function receiptIds(receipt: WebhookReceiptDto): Record<string, string> {
  switch (receipt.status) {
    case 'accepted':
      return { eventId: receipt.eventId };
    case 'ignored':
      return { reason: receipt.reason };
    case 'duplicate':
      return {};
  }
}
