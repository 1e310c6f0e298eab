import { randomUUID } from 'node:crypto';

import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { type Request, type Response } from 'express';

import { DomainError, type DomainErrorMapping } from './domain-error';
import { diagnosisOf } from './error-diagnosis';

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    details?: Readonly<Record<string, unknown>>;
    /** Present on every 5xx; the same id is on the log line that describes the failure. */
    errorId?: string;
  };
}

interface Rendered {
  status: number;
  body: ErrorBody;
}

const INTERNAL: ErrorBody['error'] = { code: 'INTERNAL', message: 'Internal error' };

/**
 * The one error format of every service. The service's own domain errors keep their code
 * and message; framework HTTP errors keep their status; everything else — another domain's
 * error, an unknown error, any 5xx — is logged with an error id the response carries. The
 * client never sees a stack, a foreign code or a foreign message.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger(AllExceptionsFilter.name);

  constructor(private readonly errors: DomainErrorMapping) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const rendered = this.render(exception);
    if (rendered.status >= 500) {
      const errorId = randomUUID();
      rendered.body.error.errorId = errorId;
      this.logger.error(
        {
          errorId,
          status: rendered.status,
          route: routeOf(http.getRequest<Request>()),
          ...diagnosisOf(exception),
        },
        'request failed',
      );
    }
    http.getResponse<Response>().status(rendered.status).json(rendered.body);
  }

  private render(exception: unknown): Rendered {
    if (isDomainError(exception)) {
      const status = this.errors.statusOf(exception);
      if (status === undefined) return internal();
      const { code, message, details } = exception;
      return { status, body: { error: { code, message, details } } };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) return internal(status);
      return {
        status,
        body: { error: { code: httpCode(status), message: httpMessage(exception) } },
      };
    }
    return bodyParserFailure(exception) ?? internal();
  }
}

/** `instanceof` on a generic class narrows to DomainError<any>; this keeps the code a string. */
function isDomainError(exception: unknown): exception is DomainError {
  return exception instanceof DomainError;
}

function internal(status: number = HttpStatus.INTERNAL_SERVER_ERROR): Rendered {
  return { status, body: { error: { ...INTERNAL } } };
}

/** The matched route pattern (`/v1/appointments/:id`), never the URL: query strings may hold PHI. */
function routeOf(request: Request | undefined): string | undefined {
  const route: unknown = request?.route;
  const path = route && typeof route === 'object' ? (route as { path?: unknown }).path : undefined;
  return typeof path === 'string' ? `${request?.method ?? ''} ${path}`.trim() : request?.method;
}

function httpMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return typeof message === 'string' ? message : exception.message;
}

/** Express's body parser throws plain errors carrying `type` and `status`. */
function bodyParserFailure(exception: unknown): Rendered | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { type, status } = exception as Error & { type?: unknown; status?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number' || status >= 500) return undefined;
  switch (type) {
    case 'entity.parse.failed':
      return {
        status: 400,
        body: { error: { code: 'MALFORMED_JSON', message: 'Request body is not valid JSON' } },
      };
    case 'entity.too.large':
      return {
        status: 413,
        body: {
          error: { code: 'PAYLOAD_TOO_LARGE', message: 'Request body exceeds the size limit' },
        },
      };
    default:
      return { status, body: { error: { code: httpCode(status), message: exception.message } } };
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
