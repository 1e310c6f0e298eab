import { decodeEvent } from '@caredispatch/contracts';

import { type DeadLetterRecord, dlqCoordinates, isSelected } from './dead-letter-record';
import { type DeadLetterStore, type StoredDeadLetter } from './dead-letter-store';
import { type DlqCommand, DLQ_USAGE } from './dlq-command';

export interface DlqOutput {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

/** Runs one command; returns the process exit code (0 done, 1 nothing matched). */
export async function runDlqCommand(
  command: DlqCommand,
  store: DeadLetterStore,
  output: DlqOutput,
): Promise<number> {
  switch (command.name) {
    case 'help':
      output.out(DLQ_USAGE);
      return 0;
    case 'list': {
      const letters = (await readAll(store, command.topic)).filter(
        ({ record }) => command.tenantId === undefined || record.tenantId === command.tenantId,
      );
      if (command.json) letters.forEach(({ record }) => output.out(toJson(record)));
      else
        printTable(
          letters.map(({ record }) => record),
          output,
        );
      return 0;
    }
    case 'show': {
      const letter = (await store.read(command.dlqTopic)).find(
        ({ record }) =>
          record.partition === command.partition && BigInt(record.offset) === command.offset,
      );
      if (!letter) {
        output.err(`no dead letter at ${command.dlqTopic}/${command.partition}/${command.offset}`);
        return 1;
      }
      const payload = command.withPayload ? payloadOf(letter) : undefined;
      if (command.json) output.out(toJson({ ...letter.record, ...(payload && { payload }) }));
      else {
        printRecord(letter.record, output);
        if (payload !== undefined) output.out(`payload            ${payload}`);
      }
      return 0;
    }
    case 'replay': {
      const topicFilter =
        command.selection.kind === 'tenant' ? command.topic : command.selection.dlqTopic;
      const selected = (await readAll(store, topicFilter)).filter(({ record }) =>
        isSelected(record, command.selection),
      );
      if (selected.length === 0) {
        output.err('no dead letter matches; nothing replayed');
        return 1;
      }
      if (!command.dryRun) await store.replay(selected);
      for (const { record } of selected) {
        const line = {
          from: dlqCoordinates(record),
          to: record.original.topic,
          eventId: record.eventId,
          eventType: record.eventType,
          tenantId: record.tenantId,
          replayed: !command.dryRun,
        };
        output.out(
          command.json
            ? toJson(line)
            : `${command.dryRun ? 'would replay' : 'replayed'} ${line.from} -> ${line.to} ` +
                `event ${line.eventId ?? '?'} (${line.eventType ?? '?'}) tenant ${line.tenantId ?? '?'}`,
        );
      }
      return 0;
    }
  }
}

async function readAll(
  store: DeadLetterStore,
  topic: string | undefined,
): Promise<StoredDeadLetter[]> {
  const letters: StoredDeadLetter[] = [];
  for (const dlqTopic of await store.dlqTopics(topic))
    letters.push(...(await store.read(dlqTopic)));
  return letters;
}

const COLUMNS: readonly [string, (record: DeadLetterRecord) => string][] = [
  ['DLQ', (r) => dlqCoordinates(r)],
  ['DEAD-LETTERED', (r) => r.deadLetteredAt],
  ['REASON', (r) => r.reason],
  ['ERROR', (r) => r.error],
  ['ATTEMPTS', (r) => String(r.attempts ?? '?')],
  ['GROUP', (r) => r.consumerGroup ?? '?'],
  [
    'ORIGINAL',
    (r) => `${r.original.topic}/${r.original.partition ?? '?'}/${r.original.offset ?? '?'}`,
  ],
  ['EVENT', (r) => r.eventId ?? '?'],
  ['TYPE', (r) => r.eventType ?? '?'],
  ['TENANT', (r) => r.tenantId ?? '?'],
];

function printTable(records: readonly DeadLetterRecord[], output: DlqOutput): void {
  const rows = [
    COLUMNS.map(([title]) => title),
    ...records.map((r) => COLUMNS.map(([, cell]) => cell(r))),
  ];
  const widths = COLUMNS.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  for (const row of rows) {
    output.out(
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
  output.err(`${records.length} dead letter(s)`);
}

function printRecord(record: DeadLetterRecord, output: DlqOutput): void {
  const lines: [string, string | number | undefined][] = [
    ['dead letter', dlqCoordinates(record)],
    ['dead-lettered at', record.deadLetteredAt],
    ['reason', record.reason],
    ['error', record.error],
    ['failure rule', record.failureRule],
    ['attempts', record.attempts],
    ['consumer group', record.consumerGroup],
    ['original topic', record.original.topic],
    ['original partition', record.original.partition],
    ['original offset', record.original.offset],
    ['event id', record.eventId],
    ['event type', record.eventType],
    ['tenant', record.tenantId],
    ['replayed from', record.replayedFrom],
  ];
  for (const [label, value] of lines) output.out(`${label.padEnd(19)}${value ?? '-'}`);
}

function payloadOf({ raw }: StoredDeadLetter): string {
  try {
    return toJson(decodeEvent(raw.value).payload);
  } catch {
    return '(undecodable)';
  }
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, field: unknown) =>
    typeof field === 'bigint'
      ? field.toString()
      : field instanceof Uint8Array
        ? Buffer.from(field).toString('base64')
        : field,
  );
}
