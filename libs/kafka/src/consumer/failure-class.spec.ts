import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSRequestTimeoutError,
} from 'kafkajs';
import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';

import { EventDecodeError, EventDecodeFailure } from '@caredispatch/contracts';

import {
  classifyFailure,
  diagnoseFailure,
  markPermanent,
  PermanentEventError,
} from './failure-class';

/** What node-postgres throws for an ErrorResponse from the server. */
function pgError(code: string, message = 'server said no'): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  return error;
}

/** What a handler's `manager.query` throws: TypeORM's wrapper around the driver error. */
function queryFailed(code: string): QueryFailedError {
  return new QueryFailedError('INSERT …', ['+15555550100'], pgError(code));
}

function systemError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111 });
}

describe(classifyFailure.name, () => {
  it.each([
    ['57P01 admin_shutdown (pg_terminate_backend)', pgError('57P01')],
    ['57P02 crash_shutdown', pgError('57P02')],
    ['57P03 cannot_connect_now (failover)', pgError('57P03')],
    ['08006 connection_failure', pgError('08006')],
    ['08001 unable to connect', pgError('08001')],
    ['53300 too_many_connections', pgError('53300')],
    ['53100 disk_full', pgError('53100')],
    ['40001 serialization_failure', pgError('40001')],
    ['40P01 deadlock_detected', pgError('40P01')],
    ['55P03 lock_not_available', pgError('55P03')],
    ['57014 statement timeout', pgError('57014')],
    ['55000 database not accepting connections', pgError('55000')],
    ['QueryFailedError wrapping 40001', queryFailed('40001')],
    ['QueryFailedError wrapping 57P01', queryFailed('57P01')],
  ])('should call PostgreSQL %s transient', (_name, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['ECONNREFUSED', systemError('ECONNREFUSED')],
    ['ECONNRESET', systemError('ECONNRESET')],
    ['ETIMEDOUT', systemError('ETIMEDOUT')],
    [
      'AggregateError of ECONNREFUSED (Node dialing ::1 and 127.0.0.1)',
      Object.assign(
        new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')]),
        {
          code: 'ECONNREFUSED',
        },
      ),
    ],
    ['pg "Connection terminated unexpectedly"', new Error('Connection terminated unexpectedly')],
    [
      'pg "Connection terminated due to connection timeout"',
      new Error('Connection terminated due to connection timeout'),
    ],
    ['pg-pool connect timeout', new Error('timeout exceeded when trying to connect')],
  ])('should call the connection failure %s transient', (_name, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each<[string, Error]>([
    ['KafkaJSConnectionError', new KafkaJSConnectionError('Connection error: ECONNREFUSED')],
    ['KafkaJSRequestTimeoutError', new KafkaJSRequestTimeoutError('Request Produce timed out')],
    [
      'KafkaJSNumberOfRetriesExceeded (non-retriable wrapper of a connection error)',
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('broker down'), {
        retryCount: 5,
        retryTime: 3000,
      }),
    ],
    ['KafkaJSProtocolError LEADER_NOT_AVAILABLE', new KafkaJSProtocolError('LEADER_NOT_AVAILABLE')],
  ])('should call the kafkajs failure %s transient', (_name, error) => {
    expect(classifyFailure(error)).toBe('transient');
  });

  it.each([
    ['an undecodable message', new EventDecodeError(EventDecodeFailure.MalformedEnvelope)],
    ['a PermanentEventError', new PermanentEventError('APPOINTMENT_UNKNOWN_LOCATION')],
    ['an error marked permanent', markPermanent(new RangeError('slot outside opening hours'))],
    [
      'an error carrying failureClass: permanent (as a DomainError can)',
      Object.assign(new Error('rejected'), { code: 'INVALID_PHONE', failureClass: 'permanent' }),
    ],
    ['22P05 untranslatable character (U+0000 in text)', queryFailed('22P05')],
    ['22001 string_data_right_truncation', pgError('22001')],
    ['23502 not_null_violation', queryFailed('23502')],
    ['23514 check_violation', queryFailed('23514')],
  ])('should call %s permanent', (_name, error) => {
    expect(classifyFailure(error)).toBe('permanent');
  });

  it.each([
    ['a TypeError (a bug)', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['23505 unique_violation (may be a race)', queryFailed('23505')],
    ['23503 foreign_key_violation (may be an early event)', queryFailed('23503')],
    ['42P01 undefined_table (migration not yet run)', queryFailed('42P01')],
    ['a thrown string', 'boom'],
    ['undefined', undefined],
  ])('should call the unrecognised failure %s transient, as unknown', (_name, error) => {
    expect(diagnoseFailure(error)).toEqual({ failureClass: 'transient', rule: 'unknown' });
  });

  it('should let the outermost marker win over a transient cause', () => {
    const sut = new PermanentEventError('REJECTED', 'rejected', { cause: pgError('57P01') });

    expect(diagnoseFailure(sut)).toEqual({ failureClass: 'permanent', rule: 'marked' });
  });

  it('should find a transient code in the cause chain', () => {
    const sut = new Error('could not load appointment', { cause: queryFailed('40P01') });

    expect(diagnoseFailure(sut)).toEqual({ failureClass: 'transient', rule: 'sqlstate:40P01' });
  });

  it('should terminate on a cyclic cause chain', () => {
    const sut = new Error('a');
    Object.assign(sut, { cause: sut });

    expect(diagnoseFailure(sut).rule).toBe('unknown');
  });
});
