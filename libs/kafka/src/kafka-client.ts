import { Logger, type LoggerService } from '@nestjs/common';
import { Kafka, type KafkaConfig, type logCreator, logLevel } from 'kafkajs';

import type { KafkaClientOptions } from './kafka-client-options';

export type { KafkaClientOptions } from './kafka-client-options';

const IDEMPOTENT_RETRY_WARNING =
  'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/**
 * kafkajs logs through its own console logger by default; route it to the service logger,
 * keeping only the message and error name: its `extra` can include broker payload details.
 */
function logCreatorFor(logger: LoggerService): logCreator {
  return () =>
    ({ level, log }) => {
      // The relay bounds its idempotent producer's retries on purpose and replaces the
      // producer after a failed send, which is what this warning asks for.
      if (log.message === IDEMPOTENT_RETRY_WARNING) return;
      const text = `${log.message}${typeof log['error'] === 'string' ? ` (${log['error']})` : ''}`;
      switch (level) {
        case logLevel.ERROR:
          logger.error(text);
          break;
        case logLevel.WARN:
          logger.warn(text);
          break;
        case logLevel.INFO:
          logger.log(text);
          break;
        case logLevel.DEBUG:
        case logLevel.NOTHING:
          break;
      }
    };
}

export function createKafkaClient(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: logLevel.WARN,
    logCreator: logCreatorFor(options.logger ?? new Logger('kafkajs')),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    ...(options.retry && { retry: options.retry }),
  };
  return new Kafka(config);
}
