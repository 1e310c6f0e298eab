import { Inject, Injectable } from '@nestjs/common';
import twilio from 'twilio';

import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';

import { BaseUrlRequestClient } from './base-url-request-client';
import {
  type ProviderMessage,
  SmsFailureKind,
  type SmsGateway,
  SmsGatewayError,
  type SmsSendRequest,
} from './sms-gateway.port';

/** Socket errors that prove the request never reached Twilio. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** Reconciliation looks at this many recent messages to the number; a patient gets few. */
const RECONCILE_LIMIT = 100;

/** SmsGateway on the official Twilio SDK (live API, or TWILIO_API_BASE_URL for a stand-in). */
@Injectable()
export class TwilioSmsGateway implements SmsGateway {
  private readonly client: twilio.Twilio;

  constructor(@Inject(SERVICE_CONFIG) private readonly config: MessagingConfig) {
    const httpOptions = {
      timeout: config.TWILIO_REQUEST_TIMEOUT_MS,
      // Retries are ours (SenderService), where they can be reconciled; never the SDK's.
      autoRetry: false,
    };
    this.client = twilio(config.TWILIO_ACCOUNT_SID, config.TWILIO_AUTH_TOKEN.reveal(), {
      ...httpOptions,
      httpClient: config.TWILIO_API_BASE_URL
        ? new BaseUrlRequestClient(config.TWILIO_API_BASE_URL, httpOptions)
        : undefined,
    });
  }

  async send(request: SmsSendRequest): Promise<{ providerMessageId: string }> {
    try {
      const message = await this.client.messages.create({
        to: request.to,
        from: this.config.TWILIO_FROM_NUMBER,
        body: request.body,
        statusCallback: request.statusCallbackUrl,
      });
      return { providerMessageId: message.sid };
    } catch (error) {
      throw classify(error);
    }
  }

  async findRecent(query: { to: string; since: Date }): Promise<readonly ProviderMessage[]> {
    try {
      // Twilio filters DateSent by whole UTC days and leaves date_sent empty until the carrier
      // has the message, so ask day-wide for sent ones, separately for the newest few, and
      // filter precisely on date_created here.
      const day = new Date(
        Date.UTC(query.since.getUTCFullYear(), query.since.getUTCMonth(), query.since.getUTCDate()),
      );
      const from = this.config.TWILIO_FROM_NUMBER;
      const [sent, newest] = await Promise.all([
        this.client.messages.list({
          to: query.to,
          from,
          dateSentAfter: day,
          limit: RECONCILE_LIMIT,
        }),
        this.client.messages.list({ to: query.to, from, limit: 20 }),
      ]);
      const seen = new Set<string>();
      const found: ProviderMessage[] = [];
      for (const message of [...sent, ...newest]) {
        if (seen.has(message.sid) || message.dateCreated < query.since) continue;
        seen.add(message.sid);
        found.push({
          providerMessageId: message.sid,
          to: message.to,
          body: message.body,
          createdAt: message.dateCreated,
        });
      }
      return found.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    } catch (error) {
      throw classify(error);
    }
  }
}

/** Maps SDK and socket errors onto what the sender may safely do next. */
export function classify(error: unknown): SmsGatewayError {
  if (error instanceof twilio.RestException) {
    const code = String(error.code ?? error.status);
    const text = `Twilio HTTP ${error.status} (code ${code})`;
    if (error.status === 429) return new SmsGatewayError(SmsFailureKind.NotAccepted, code, text);
    if (error.status >= 500) return new SmsGatewayError(SmsFailureKind.OutcomeUnknown, code, text);
    // Bad credentials or account: an operator problem, not the message's. Keep it for retry.
    if (error.status === 401 || error.status === 403 || error.status === 404) {
      return new SmsGatewayError(SmsFailureKind.NotAccepted, code, text);
    }
    return new SmsGatewayError(SmsFailureKind.Rejected, code, text);
  }
  const socketCode = errorCode(error);
  if (socketCode !== undefined && NOT_CONNECTED.has(socketCode)) {
    return new SmsGatewayError(
      SmsFailureKind.NotAccepted,
      socketCode,
      `Twilio unreachable (${socketCode})`,
    );
  }
  // Timeouts, resets, anything unexpected: the request may have been processed.
  return new SmsGatewayError(
    SmsFailureKind.OutcomeUnknown,
    socketCode ?? 'UNKNOWN',
    `Twilio call failed (${socketCode ?? (error instanceof Error ? error.name : 'unknown')})`,
  );
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code: unknown = Reflect.get(error, 'code');
  return typeof code === 'string' ? code : undefined;
}
