import { parseArgs } from 'node:util';

import type { ReplaySelection } from './dead-letter-record';

export type DlqCommand =
  | {
      readonly name: 'list';
      readonly topic: string | undefined;
      readonly tenantId: string | undefined;
      readonly json: boolean;
    }
  | {
      readonly name: 'show';
      readonly dlqTopic: string;
      readonly partition: number;
      readonly offset: bigint;
      readonly json: boolean;
      readonly withPayload: boolean;
    }
  | {
      readonly name: 'replay';
      readonly selection: ReplaySelection;
      /** Limits a tenant replay to one topic (original or `.dlq` name). */
      readonly topic: string | undefined;
      readonly dryRun: boolean;
      readonly json: boolean;
    }
  | { readonly name: 'help' };

export interface DlqInvocation {
  readonly brokers: readonly string[];
  readonly command: DlqCommand;
}

export const DLQ_USAGE = `Usage: caredispatch-dlq <command> [options]   (npm run dlq -- <command> …)

  list [--topic T] [--tenant X] [--json]
      Dead letters of every <topic>.dlq (or of T), oldest first: coordinates, reason, error,
      attempts, original topic/partition/offset, event id/type/tenant. Never the payload.
  show <dlq-topic> <partition> <offset> [--json] [--with-payload]
      One dead letter in full. --with-payload also prints the event payload (PHI: use only
      where you are allowed to see patient data).
  replay <dlq-topic> <partition> <offset>|<from>..<to> [--dry-run] [--json]
  replay --tenant X [--topic T] [--dry-run] [--json]
      Re-publishes to the ORIGINAL topic with the original key, value and ids, plus the
      header dlq-replayed-from=<dlq-topic>/<partition>/<offset>. Consumers' inboxes skip an
      event they already applied, so replaying twice is harmless.

Options: --brokers host:port[,host:port…] (default: $KAFKA_BROKERS or 127.0.0.1:9092)
Exit codes: 0 done, 1 failed or nothing matched, 2 usage error.`;

export class DlqUsageError extends Error {
  override readonly name = 'DlqUsageError';
}

/** Parses argv (without node and script); throws DlqUsageError naming what is wrong. */
export function parseDlqCommand(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): DlqInvocation {
  let parsed: ReturnType<typeof parseWith>;
  try {
    parsed = parseWith(argv);
  } catch (error) {
    throw new DlqUsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const brokers = (values.brokers ?? env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
  if (brokers.length === 0 || !brokers.every((broker) => /^[\w.-]+:\d{1,5}$/.test(broker))) {
    throw new DlqUsageError('--brokers must be a comma-separated list of host:port');
  }
  const name = positionals.at(0);
  const args = positionals.slice(1);
  const json = values.json ?? false;
  switch (name) {
    case undefined:
    case 'help':
      return { brokers, command: { name: 'help' } };
    case 'list':
      expectArgs(args, 0, 'list takes no positional arguments');
      return {
        brokers,
        command: { name: 'list', topic: values.topic, tenantId: values.tenant, json },
      };
    case 'show': {
      expectArgs(args, 3, 'show needs <dlq-topic> <partition> <offset>');
      const [dlqTopic = '', partition = '', offset = ''] = args;
      return {
        brokers,
        command: {
          name: 'show',
          dlqTopic: dlqTopicArg(dlqTopic),
          partition: partitionArg(partition),
          offset: offsetArg(offset),
          json,
          withPayload: values['with-payload'] ?? false,
        },
      };
    }
    case 'replay':
      return {
        brokers,
        command: {
          name: 'replay',
          selection: replaySelection(args, values.tenant),
          topic: values.topic,
          dryRun: values['dry-run'] ?? false,
          json,
        },
      };
    default:
      throw new DlqUsageError(`unknown command "${name}" (list, show, replay)`);
  }
}

function parseWith(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      brokers: { type: 'string' },
      topic: { type: 'string' },
      tenant: { type: 'string' },
      json: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      'with-payload': { type: 'boolean' },
    },
  });
}

function replaySelection(args: readonly string[], tenantId: string | undefined): ReplaySelection {
  if (tenantId !== undefined) {
    expectArgs(args, 0, 'replay --tenant takes no coordinates');
    if (tenantId.trim() === '') throw new DlqUsageError('--tenant must not be empty');
    return { kind: 'tenant', tenantId };
  }
  expectArgs(args, 3, 'replay needs <dlq-topic> <partition> <offset|from..to> or --tenant X');
  const [topic = '', partitionText = '', offsets = ''] = args;
  const dlqTopic = dlqTopicArg(topic);
  const partition = partitionArg(partitionText);
  const range = /^(\d+)\.\.(\d+)$/.exec(offsets);
  if (!range) return { kind: 'one', dlqTopic, partition, offset: offsetArg(offsets) };
  const from = BigInt(range[1]);
  const to = BigInt(range[2]);
  if (to < from) throw new DlqUsageError(`offset range ${offsets} ends before it starts`);
  return { kind: 'range', dlqTopic, partition, from, to };
}

function expectArgs(args: readonly string[], count: number, message: string): void {
  if (args.length !== count) throw new DlqUsageError(message);
}

function dlqTopicArg(text: string): string {
  if (!text.endsWith('.dlq')) throw new DlqUsageError(`"${text}" is not a .dlq topic`);
  return text;
}

function partitionArg(text: string): number {
  if (!/^\d{1,6}$/.test(text)) throw new DlqUsageError(`partition "${text}" is not a number`);
  return Number(text);
}

function offsetArg(text: string): bigint {
  if (!/^\d{1,19}$/.test(text)) throw new DlqUsageError(`offset "${text}" is not a number`);
  return BigInt(text);
}
