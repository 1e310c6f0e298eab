import { type LoggerService } from '@nestjs/common';

import { createKafkaClient } from '../kafka-client';

import { DeadLetterStore } from './dead-letter-store';
import { DLQ_USAGE, DlqUsageError, parseDlqCommand } from './dlq-command';
import { runDlqCommand } from './run-dlq-command';

/** kafkajs warnings go to stderr so stdout stays machine-readable (--json). */
const stderrLogger: LoggerService = {
  log: () => undefined,
  warn: (message: unknown) => process.stderr.write(`${String(message)}\n`),
  error: (message: unknown) => process.stderr.write(`${String(message)}\n`),
};

async function main(): Promise<number> {
  let invocation;
  try {
    invocation = parseDlqCommand(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof DlqUsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${DLQ_USAGE}\n`);
    return 2;
  }
  const kafka = createKafkaClient({
    clientId: 'caredispatch-dlq',
    brokers: invocation.brokers,
    logger: stderrLogger,
  });
  return runDlqCommand(invocation.command, new DeadLetterStore(kafka), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `caredispatch-dlq failed: ${error instanceof Error ? error.name : typeof error}${error instanceof Error ? `: ${error.message}` : ''}\n`,
    );
    process.exitCode = 1;
  },
);
