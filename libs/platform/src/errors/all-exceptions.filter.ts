import { randomUUID } from 'node:crypto';

import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { type Response } from 'express';

import { DomainError } from './domain-error';

export type DomainStatusMapper = (error: DomainError) => HttpStatus;

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Readonly<Record<string, unknown>>;
    errorId?: string;
  };
}

/**
 * Known domain errors keep their code and message; framework HTTP errors keep their status;
 * anything else is a 500 with an error id that is logged — never a stack trace in the body.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  constructor(private readonly toStatus: DomainStatusMapper) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.describe(exception);
    response.status(status).json(body);
  }

  private describe(exception: unknown): [number, ErrorBody] {
    if (exception instanceof DomainError) {
      const domainError = exception as DomainError;
      return [
        this.toStatus(domainError),
        {
          error: {
            code: domainError.code,
            message: domainError.message,
            details: domainError.details,
          },
        },
      ];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message =
        typeof response === 'string'
          ? response
          : typeof (response as { message?: unknown }).message === 'string'
            ? (response as { message: string }).message
            : exception.message;
      return [status, { error: { code: httpCode(status), message } }];
    }
    const bodyParserFailure = describeBodyParserFailure(exception);
    if (bodyParserFailure) return bodyParserFailure;
    const errorId = randomUUID();
    this.logger.error({ errorId, err: exception }, 'unhandled error');
    return [
      HttpStatus.INTERNAL_SERVER_ERROR,
      { error: { code: 'INTERNAL', message: 'Internal error', errorId } },
    ];
  }
}

/** Express's body parser throws plain errors carrying `type` and `status`. */
function describeBodyParserFailure(exception: unknown): [number, ErrorBody] | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { type, status } = exception as Error & { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number') return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return [
        400,
        { error: { code: 'MALFORMED_JSON', message: 'Request body is not valid JSON' } },
      ];
    case 'entity.too.large':
      return [
        413,
        { error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body exceeds the size limit' } },
      ];
    default:
      return [status, { error: { code: httpCode(status), message: exception.message } }];
  }
}

function httpCode(status: number): string {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHORIZED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    default:
      return `HTTP_${status}`;
  }
}
