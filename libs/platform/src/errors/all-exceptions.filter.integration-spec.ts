import { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';

import {
  Controller,
  Get,
  HttpStatus,
  type INestApplication,
  Module,
  ServiceUnavailableException,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';

import { configureHttpApp } from '../http/create-http-app';
import { JsonLogger, PHI_FIELD_NAMES } from '../logging/json-logger';

import {
  AllExceptionsFilter,
  type ErrorBody,
  TEMPORARILY_UNAVAILABLE_RETRY_AFTER_SECONDS,
} from './all-exceptions.filter';
import { DomainError, domainErrors } from './domain-error';

enum ClinicErrorCode {
  ClinicNotFound = 'CLINIC_NOT_FOUND',
  ClinicOffline = 'CLINIC_OFFLINE',
}
class ClinicError extends DomainError<ClinicErrorCode> {}
class OtherDomainError extends DomainError<'PARTNER_SECRET_STATE'> {}

function clinicStatus(code: ClinicErrorCode): HttpStatus {
  switch (code) {
    case ClinicErrorCode.ClinicNotFound:
      return HttpStatus.NOT_FOUND;
    case ClinicErrorCode.ClinicOffline:
      return HttpStatus.SERVICE_UNAVAILABLE;
  }
}

const PATIENT_PHONE = '+16175550142';
const PATIENT_NAME = 'Maria Gonzalez';

/** What a pg unique violation looks like: the driver quotes the duplicate value. */
class QueryFailedError extends Error {
  readonly code = '23505';
}

/** What node-postgres reports when PostgreSQL drops the connection mid-query. */
class ConnectionResetError extends Error {
  readonly code = 'ECONNRESET';
}

@Controller('probe')
class ProbeController {
  @Get('own')
  own(): never {
    throw new ClinicError(ClinicErrorCode.ClinicNotFound, 'No such clinic', { clinicId: 'c-1' });
  }

  @Get('own-5xx')
  ownServerSide(): never {
    throw new ClinicError(ClinicErrorCode.ClinicOffline, 'Clinic system offline');
  }

  @Get('foreign')
  foreign(): never {
    throw new OtherDomainError('PARTNER_SECRET_STATE', 'partner internals');
  }

  @Get('unknown')
  unknown(): never {
    throw new QueryFailedError(
      `duplicate key value violates unique constraint: (phone)=(${PATIENT_PHONE}) for ${PATIENT_NAME}`,
    );
  }

  @Get('database-gone')
  databaseGone(): never {
    throw Object.assign(new Error('Query failed'), {
      driverError: new ConnectionResetError('read ECONNRESET'),
    });
  }

  @Get('pool-exhausted')
  poolExhausted(): never {
    throw new Error('timeout exceeded when trying to connect');
  }

  @Get('framework-5xx')
  frameworkServerSide(): never {
    throw new ServiceUnavailableException(`database holds ${PATIENT_NAME}`);
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

interface Reply {
  status: number;
  body: ErrorBody;
}

describe(AllExceptionsFilter.name, () => {
  const logLines: Record<string, unknown>[] = [];
  const logText: string[] = [];
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const text = chunk.toString('utf8');
        logText.push(text);
        for (const line of text.split('\n').filter(Boolean))
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino(
      {
        messageKey: 'message',
        redact: { paths: [...PHI_FIELD_NAMES], censor: '[REDACTED]' },
      },
      sink,
    );
    // Nest types its options as a class but documents and expects a plain object here.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    const nest = await NestFactory.create<NestExpressApplication>(ProbeModule, {
      logger: new JsonLogger(logger),
      bodyParser: false,
    });
    configureHttpApp(nest, { errors: domainErrors(ClinicError, clinicStatus) });
    await nest.listen(0, '127.0.0.1');
    app = nest;
    baseUrl = `http://127.0.0.1:${(app.getHttpServer() as { address(): AddressInfo }).address().port}`;
  });

  afterAll(async () => {
    await app.close();
  });

  async function get(path: string): Promise<Reply & { retryAfter: string | null }> {
    const response = await fetch(`${baseUrl}/probe/${path}`);
    return {
      status: response.status,
      body: (await response.json()) as ErrorBody,
      retryAfter: response.headers.get('retry-after'),
    };
  }

  function logLineWith(errorId: string | undefined): Record<string, unknown> | undefined {
    return logLines.find((line) => line.errorId === errorId);
  }

  it("should render the service's own domain error with its code, message and details", async () => {
    const sut = await get('own');

    expect(sut).toEqual({
      status: 404,
      retryAfter: null,
      body: {
        error: {
          code: 'CLINIC_NOT_FOUND',
          message: 'No such clinic',
          details: { clinicId: 'c-1' },
        },
      },
    });
  });

  it('should answer an unknown error with a 500 whose error id is on the log line', async () => {
    const sut = await get('unknown');

    expect(sut.status).toBe(500);
    expect(sut.body.error).toEqual({
      code: 'INTERNAL',
      message: 'Internal error',
      errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
    expect(logLineWith(sut.body.error.errorId)).toEqual(
      expect.objectContaining({
        level: 50,
        message: 'request failed',
        status: 500,
        route: 'GET /probe/unknown',
        errorType: 'QueryFailedError',
        errorCode: '23505',
        stack: expect.arrayContaining([expect.stringMatching(/^at /)]) as unknown,
      }),
    );
  });

  it('should keep patient data out of the response and the log', async () => {
    const sut = await get('unknown');
    await get('framework-5xx');

    expect(logLineWith(sut.body.error.errorId)).toBeDefined();
    const everything = JSON.stringify(sut.body) + logText.join('');
    expect(everything).not.toContain(PATIENT_PHONE);
    expect(everything).not.toContain(PATIENT_NAME);
  });

  it("should answer another domain's error with a 500 that echoes neither its code nor message", async () => {
    const sut = await get('foreign');

    expect(sut.status).toBe(500);
    expect(JSON.stringify(sut.body)).not.toContain('PARTNER_SECRET_STATE');
    expect(JSON.stringify(sut.body)).not.toContain('partner internals');
    expect(logLineWith(sut.body.error.errorId)).toEqual(
      expect.objectContaining({ errorType: 'OtherDomainError', errorCode: 'PARTNER_SECRET_STATE' }),
    );
  });

  it('should give an own 5xx domain error an error id and keep its status and code', async () => {
    const sut = await get('own-5xx');

    expect(sut.status).toBe(503);
    expect(sut.body.error).toEqual(
      expect.objectContaining({ code: 'CLINIC_OFFLINE', errorId: expect.any(String) as unknown }),
    );
    expect(logLineWith(sut.body.error.errorId)).toEqual(
      expect.objectContaining({ errorType: 'ClinicError', status: 503 }),
    );
  });

  it("should hide a framework 5xx's message behind an error id and keep its status", async () => {
    const sut = await get('framework-5xx');

    expect(sut.status).toBe(503);
    expect(sut.body.error).toEqual({
      code: 'INTERNAL',
      message: 'Internal error',
      errorId: expect.any(String) as unknown,
    });
    expect(logLineWith(sut.body.error.errorId)).toBeDefined();
  });

  it.each([
    ['the database connection is reset', 'database-gone', 'ECONNRESET'],
    ['no pooled connection frees up in time', 'pool-exhausted', 'pg-connection'],
  ])(
    'should answer 503 with Retry-After when %s, so the client retries',
    async (_case, path, rule) => {
      const sut = await get(path);

      expect(sut).toMatchObject({
        status: 503,
        retryAfter: String(TEMPORARILY_UNAVAILABLE_RETRY_AFTER_SECONDS),
        body: {
          error: {
            code: 'TEMPORARILY_UNAVAILABLE',
            message: expect.any(String) as unknown,
            errorId: expect.any(String) as unknown,
          },
        },
      });
      expect(logLineWith(sut.body.error.errorId)).toEqual(
        expect.objectContaining({ level: 40, status: 503, failureRule: rule }),
      );
    },
  );

  it('should give no Retry-After to an error no rule recognises', async () => {
    const sut = await get('unknown');

    expect(sut).toMatchObject({ status: 500, retryAfter: null });
  });
});
