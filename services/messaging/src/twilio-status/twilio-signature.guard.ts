import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { type Request } from 'express';
import twilio from 'twilio';

import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { MessagingError, MessagingErrorCode } from '../messaging.errors';

/**
 * Admits only requests signed by Twilio with our auth token. The signed URL is the public
 * one Twilio called (PUBLIC_BASE_URL + path and query), not what the proxy forwarded.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  private readonly logger = new Logger(TwilioSignatureGuard.name);

  constructor(@Inject(SERVICE_CONFIG) private readonly config: MessagingConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<Request>();
    const signature = request.header('x-twilio-signature');
    const url = `${this.config.PUBLIC_BASE_URL}${request.originalUrl}`;
    const params = signedParams(request.body);
    if (
      signature &&
      twilio.validateRequest(this.config.TWILIO_AUTH_TOKEN.reveal(), signature, url, params)
    ) {
      return true;
    }
    this.logger.warn({
      message: 'rejected Twilio webhook with a missing or bad signature',
      path: request.path,
    });
    throw new MessagingError(
      MessagingErrorCode.TwilioSignatureInvalid,
      'X-Twilio-Signature is missing or invalid',
    );
  }
}

/** Every POST parameter takes part in the signature, repeated keys included. */
function signedParams(body: unknown): Record<string, string | string[]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') params[key] = value;
    else if (Array.isArray(value))
      params[key] = value.filter((item): item is string => typeof item === 'string');
  }
  return params;
}
