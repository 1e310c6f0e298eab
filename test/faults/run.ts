/**
 * Fault suite: the services as real processes against real PostgreSQL and Kafka, a steady
 * signed-booking stream, and one fault at a time. Prints a table row per fault and exits
 * non-zero when any fault breaks the acceptance (see fault-outcome.ts).
 *
 *   npm run test:faults                 # every fault, long streams (~20 min)
 *   npm run test:faults -- --short      # three faults, short streams (CI)
 *   npm run test:faults -- --only twilio,database [--rate 15] [--seed 42]
 *   npm run test:faults -- --short --own-broker  # no fault on the shared broker
 */
import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';

import { type FaultReport, type FaultScenario, runFault, SERVICES } from './fault-harness';
import {
  brokerKill,
  clusterLeaderKill,
  databaseOutage,
  kafkaPartition,
  serviceKills,
  twilioTrouble,
} from './fault-scenarios';

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: process.env.FAULTS_SHORT === 'true' },
    only: { type: 'string' },
    rate: { type: 'string' },
    seed: { type: 'string', default: process.env.FAULTS_SEED },
    // Every fault on a broker of its own: the suite can then run beside other tests without
    // either consuming the other's events (npm test runs the short form beside integration).
    'own-broker': { type: 'boolean', default: false },
  },
});
const short = values.short;
const seed = values.seed === undefined ? randomInt(1, 2 ** 31) : Number(values.seed);
// Modest rates: the suite measures correctness under faults, and shares two cores with others.
const rate = Number(values.rate ?? (short ? 5 : 10));

const scenarios: FaultScenario[] = short
  ? [databaseOutage(['scheduling'], 15), serviceKills(1, seed), twilioTrouble(6)]
  : [
      databaseOutage(SERVICES, 15),
      brokerKill(),
      clusterLeaderKill(),
      serviceKills(3, seed),
      twilioTrouble(10),
      kafkaPartition(SERVICES, 30),
    ];
const only = values.only?.split(',');
const selected = (
  only ? scenarios.filter((scenario) => only.includes(scenario.id)) : scenarios
).map((scenario) =>
  values['own-broker'] && scenario.broker === 'shared'
    ? { ...scenario, broker: 'dedicated' as const }
    : scenario,
);

const COLUMNS = [
  'fault',
  'accepted',
  'texts',
  'missing',
  'dupes',
  'after cancel',
  'stale move',
  'wrong state',
  'dead letters',
  'audit',
  'max latency',
  'result',
] as const;

function row(report: FaultReport): string[] {
  const o = report.outcome;
  const audit = `${o.auditValid ? 'valid' : 'BROKEN'}${o.auditMissing > 0 ? `, ${o.auditMissing} missing` : ''}`;
  return [
    report.scenario.id,
    String(o.accepted),
    String(o.textsSent),
    String(o.missing),
    String(o.duplicates),
    String(o.afterCancellation),
    String(o.staleAfterMove),
    String(o.wrongState),
    String(o.deadLetters),
    audit,
    `${(o.maxLatencyMs / 1000).toFixed(1)} s`,
    passed(report) ? 'PASS' : 'FAIL',
  ];
}

function passed(report: FaultReport): boolean {
  return (
    report.outcome.violations.length === 0 &&
    report.diagnostics.every((line) => !line.startsWith('fault injection failed'))
  );
}

function table(rows: string[][]): string {
  const all = [[...COLUMNS], ...rows];
  const widths = COLUMNS.map((_, column) =>
    Math.max(...all.map((cells) => cells[column]?.length ?? 0)),
  );
  const line = (cells: string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  return [
    line(all[0] ?? []),
    `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

async function main(): Promise<void> {
  log(
    `fault suite (${short ? 'short' : 'long'} form): ${selected.map((s) => s.id).join(', ')}; ${rate} bookings/s; seed ${seed}`,
  );
  const reports: FaultReport[] = [];
  let crashed = 0;
  for (const scenario of selected) {
    log(`\n== ${scenario.id}: ${scenario.title}`);
    try {
      const report = await runFault(scenario, {
        rate,
        retryForMs: 120_000,
        drainMs: short ? 90_000 : 150_000,
        log,
      });
      reports.push(report);
      log(table([row(report)]));
      for (const violation of report.outcome.violations) log(`  ✗ ${violation}`);
      for (const line of report.diagnostics) log(`  · ${line}`);
      log(`  service logs: ${report.logDir}`);
    } catch (error) {
      crashed += 1;
      log(
        `  ✗ the harness failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
  }
  const passedCount = reports.filter(passed).length;
  const failedCount = selected.length - passedCount;
  log(`\n${table(reports.map(row))}`);
  if (crashed > 0) log(`${crashed} fault(s) could not be run`);
  log(`${passedCount} passed, ${failedCount} failed`);
  // Exit explicitly: a killed broker's clients may keep reconnect timers alive.
  process.exit(failedCount > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
