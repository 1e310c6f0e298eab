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

import { diagnoseFailure } from '@caredispatch/kafka';

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
  /** Set with 503 for a failure that clears by itself: when the client should try again. */
  retryAfterSeconds?: number;
  /** Which failure-class rule recognised a transient failure (ids only, for the log). */
  failureRule?: string;
}

const INTERNAL: ErrorBody['error'] = { code: 'INTERNAL', message: 'Internal error' };

/**
 * Short on purpose: the failures behind it (a database restarting or failing over, a
 * connection pool saturated right after one) clear in seconds, and a sender that honours
 * Retry-After should not wait out its own, longer backoff.
 */
export const TEMPORARILY_UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

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
      const line = {
        errorId,
        status: rendered.status,
        route: routeOf(http.getRequest<Request>()),
        ...diagnosisOf(exception),
        ...(rendered.failureRule !== undefined && { failureRule: rendered.failureRule }),
      };
      // An outage answers every request this way; readiness reports it, one warn per request suffices.
      if (rendered.retryAfterSeconds === undefined) this.logger.error(line, 'request failed');
      else this.logger.warn(line, 'request failed, temporarily unavailable');
    }
    const response = http.getResponse<Response>();
    if (rendered.retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(rendered.retryAfterSeconds));
    }
    response.status(rendered.status).json(rendered.body);
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
    return bodyParserFailure(exception) ?? temporarilyUnavailable(exception) ?? internal();
  }
}

/**
 * A failure recognised as transient (database unreachable or restarting, connection reset,
 * pool wait timed out, serialization failure, lock or statement timeout — see the failure
 * classes in @caredispatch/kafka) is 503 with Retry-After, so the client retries: the same
 * request will succeed once it clears (a commit whose answer was lost meets the route's own
 * idempotency, e.g. the webhook id). An error no rule recognises stays a 500: unlike the
 * consumer, the edge does not presume a bug transient.
 */
function temporarilyUnavailable(exception: unknown): Rendered | undefined {
  const { failureClass, rule } = diagnoseFailure(exception);
  if (failureClass !== 'transient' || rule === 'unknown') return undefined;
  return {
    status: HttpStatus.SERVICE_UNAVAILABLE,
    body: {
      error: {
        code: 'TEMPORARILY_UNAVAILABLE',
        message: 'A dependency of this service is temporarily unavailable; retry later',
      },
    },
    retryAfterSeconds: TEMPORARILY_UNAVAILABLE_RETRY_AFTER_SECONDS,
    failureRule: rule,
  };
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
