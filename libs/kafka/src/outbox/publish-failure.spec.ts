import {
  KafkaJSConnectionError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';

import { classifyPublishFailure, describePublishError } from './publish-failure';

function brokerAnswer(type: string, retriable: boolean): KafkaJSProtocolError {
  const error = new KafkaJSProtocolError(`broker said ${type} about +15555550100`);
  return Object.assign(error, { type, retriable });
}

describe(classifyPublishFailure.name, () => {
  it('should blame the row for a message the broker finds too large', () => {
    const answer = brokerAnswer('MESSAGE_TOO_LARGE', false);
    // How kafkajs' retrier rejects a non-retriable broker answer.
    const wrapped = Object.assign(new KafkaJSNonRetriableError(answer), { cause: answer });
    const sut = classifyPublishFailure(wrapped);

    expect(sut).toEqual({
      kind: 'row',
      reason: 'KafkaJSNonRetriableError > KafkaJSProtocolError:MESSAGE_TOO_LARGE',
    });
  });

  it('should blame the row for a topic the producer may not write to', () => {
    const sut = classifyPublishFailure(brokerAnswer('TOPIC_AUTHORIZATION_FAILED', false));

    expect(sut.kind).toBe('row');
  });

  it('should count an unavailable broker as transient', () => {
    const sut = classifyPublishFailure(
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError('Connection error'), {
        retryCount: 5,
        retryTime: 3000,
      }),
    );

    expect(sut.kind).toBe('transient');
  });

  it('should count a leader election and a missing topic as transient', () => {
    expect(classifyPublishFailure(brokerAnswer('NOT_LEADER_FOR_PARTITION', true)).kind).toBe(
      'transient',
    );
    expect(classifyPublishFailure(brokerAnswer('UNKNOWN_TOPIC_OR_PARTITION', true)).kind).toBe(
      'transient',
    );
  });

  it('should count an error it does not know as transient', () => {
    expect(classifyPublishFailure(new Error('something else')).kind).toBe('transient');
    expect(classifyPublishFailure('a string').kind).toBe('transient');
  });
});

describe(describePublishError.name, () => {
  it('should name error classes and broker codes but never quote a message', () => {
    const sut = describePublishError(brokerAnswer('INVALID_RECORD', false));

    expect(sut).toBe('KafkaJSProtocolError:INVALID_RECORD');
    expect(sut).not.toContain('+1555');
  });
});
