import { type IncomingMessage, type ServerResponse } from 'node:http';

import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type EhrGatewayConfig } from '../config';

import { EhrWebhookErrorCode, ehrWebhookError } from './ehr-webhook.errors';

/** Express path of the webhook route (see EhrWebhookController). */
export const FHIR_WEBHOOK_PATH = '/v1/tenants/:tenantId/webhooks/fhir';

type RawBodyRequest = IncomingMessage & { body?: unknown };
type Next = (error?: unknown) => void;

/**
 * Reads the request body into a Buffer, unparsed, refusing more than `maxBytes`. Signatures
 * are computed over the exact bytes sent, and nothing about an unauthenticated body (not
 * even whether it is JSON) should be looked at before the signature is checked.
 */
export function readRawBody(maxBytes: number) {
  return (request: RawBodyRequest, _response: ServerResponse, next: Next): void => {
    if (request.method !== 'POST') {
      next();
      return;
    }
    const tooLarge = () =>
      ehrWebhookError(
        EhrWebhookErrorCode.PayloadTooLarge,
        `Request body exceeds ${maxBytes} bytes`,
        {
          maxBytes,
        },
      );
    const encoding = request.headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') {
      request.resume();
      // Decompressing before authentication would let anyone make us inflate a bomb.
      next(
        ehrWebhookError(
          EhrWebhookErrorCode.UnsupportedMediaType,
          'Content-Encoding is not supported',
          {
            header: 'content-encoding',
          },
        ),
      );
      return;
    }
    if (Number(request.headers['content-length']) > maxBytes) {
      request.resume(); // discard, so the connection can carry the 413
      next(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    request.on('data', (chunk: Buffer) => {
      if (settled) return; // keep draining, discard
      size += chunk.length;
      if (size > maxBytes) {
        settled = true;
        chunks.length = 0;
        next(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      if (settled) return;
      settled = true;
      request.body = Buffer.concat(chunks, size);
      next();
    });
    request.on('error', (error) => {
      if (settled) return;
      settled = true;
      next(error);
    });
  };
}

/**
 * Mounts readRawBody on the webhook route AHEAD of the app-wide JSON parser.
 *
 * createHttpApp registers its JSON parser right after NestFactory.create returns, and
 * Express runs middleware in registration order; providers are instantiated inside
 * NestFactory.create, so mounting from this constructor is the one place a module can get
 * in first. Once the raw reader has consumed the stream the JSON parser sees a finished
 * request and skips it. (A `rawBodyRoutes` option on createHttpApp would make this
 * explicit; requested from the platform owner.)
 */
@Injectable()
export class RawWebhookBodyInstaller {
  constructor(adapterHost: HttpAdapterHost, @Inject(SERVICE_CONFIG) config: EhrGatewayConfig) {
    const adapter = adapterHost.httpAdapter as typeof adapterHost.httpAdapter | undefined;
    if (!adapter) {
      throw new Error(
        'ehr-gateway must be started with createHttpApp/NestFactory.create: the webhook raw body reader has to be mounted before the JSON body parser',
      );
    }
    adapter.use(FHIR_WEBHOOK_PATH, readRawBody(config.WEBHOOK_MAX_BODY_BYTES));
  }
}
