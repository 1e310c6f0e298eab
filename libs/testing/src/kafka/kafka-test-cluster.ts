import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { Kafka, logLevel } from 'kafkajs';

import { freePort } from '../process/free-port';
import { eventually, sleep } from '../process/service-process';

import { prepareTopics, type TopicPreparation } from './prepare-topics';

const repoRoot = resolve(__dirname, '../../../..');
const nodeLauncher = join(repoRoot, 'deploy/local/kafka-node.sh');
const run = promisify(execFile);

export interface KafkaTestClusterOptions {
  /** 1 = a single broker; 3 = replication factor 3, min.insync.replicas 2. */
  readonly nodes: 1 | 3;
  /** Run directory (server.properties, data, logs); deleted by `stop()`. */
  readonly dir: string;
  /**
   * Extra client listeners per node, each advertised at an address of the caller's choice
   * (e.g. a TcpProxy in front of it), so one client's whole Kafka traffic can be cut:
   * a client bootstrapped through the proxy is told to reach every broker through it too.
   */
  readonly clientListeners?: readonly string[];
  /** Heap of each broker JVM (-Xms128m -Xmx512m). */
  readonly heapOptions?: string;
}

interface NodeLayout {
  readonly id: number;
  readonly dir: string;
  readonly brokerPort: number;
  readonly controllerPort: number;
  readonly listenerPorts: ReadonlyMap<string, number>;
}

/**
 * A Kafka (KRaft) broker or 3-node cluster of the test's own, on free loopback ports and in its
 * own directory, started with deploy/local's launcher: a broker the test may kill -9 and
 * restart without touching the shared broker other tests use.
 */
export class KafkaTestCluster {
  private readonly layout: NodeLayout[] = [];
  private readonly advertised = new Map<string, number>();
  private readonly clusterId = newClusterId();

  constructor(private readonly options: KafkaTestClusterOptions) {}

  /** Bootstrap list of the plain listeners (what the harness and unproxied clients use). */
  get brokers(): string {
    return this.layout.map((node) => `127.0.0.1:${node.brokerPort}`).join(',');
  }

  get nodeIds(): number[] {
    return this.layout.map((node) => node.id);
  }

  /** Port of a client listener on node `id` (the address a proxy forwards to). */
  listenerPort(listener: string, id = 1): number {
    const port = this.node(id).listenerPorts.get(listener);
    if (port === undefined) throw new Error(`no listener ${listener} on node ${id}`);
    return port;
  }

  /** Reserves the ports (call before `start()` when proxies must know their targets). */
  async allocate(): Promise<void> {
    if (this.layout.length > 0) return;
    for (let id = 1; id <= this.options.nodes; id += 1) {
      const listenerPorts = new Map<string, number>();
      for (const listener of this.options.clientListeners ?? []) {
        listenerPorts.set(listener, await freePort());
      }
      this.layout.push({
        id,
        dir: join(this.options.dir, `node-${id}`),
        brokerPort: await freePort(),
        controllerPort: await freePort(),
        listenerPorts,
      });
    }
  }

  /**
   * Where clients of `listener` are told to connect (single-node only: one proxy per listener).
   * Defaults to the listener's own port.
   */
  advertise(listener: string, port: number): void {
    if (this.options.nodes !== 1) throw new Error('advertised proxies need a single node');
    this.advertised.set(listener, port);
  }

  async start(): Promise<void> {
    await this.allocate();
    for (const node of this.layout) {
      mkdirSync(join(node.dir, 'data'), { recursive: true });
      writeFileSync(join(node.dir, 'server.properties'), this.serverProperties(node));
    }
    for (const node of this.layout) await this.launch(node);
    await this.waitForBrokers(this.layout.length, 120_000);
  }

  /** SIGKILL of one node's JVM: no controlled shutdown, no flush. */
  kill(id: number): void {
    const pid = this.pid(id);
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  }

  /** Starts a killed node again on the same ports and data; waits until every node answers. */
  async restart(id: number, readyTimeoutMs = 120_000): Promise<void> {
    const node = this.node(id);
    await eventually(
      () => Promise.resolve(this.isRunning(node) ? undefined : true),
      15_000,
      `node ${id} to exit`,
    );
    await this.launch(node);
    await this.waitForBrokers(this.layout.length, readyTimeoutMs);
  }

  /**
   * Creates the topics (3 partitions, the cluster's replication and min.insync.replicas) and
   * waits until every partition has a leader in every node's metadata that answers offset
   * requests: right after start-up a fresh cluster answers "unknown topic" / NOT_LEADER for a
   * while, and consumers and admin clients would fail on it (see prepareTopics).
   */
  async createTopics(topics: readonly string[], timeoutMs = 120_000): Promise<void> {
    await prepareTopics(this.brokers.split(','), topics, this.replication(), timeoutMs);
  }

  /** The node leading `partition` of `topic` (topics are auto-created on first metadata request). */
  async leaderOf(topic: string, partition = 0): Promise<number> {
    return this.withAdmin(async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const found = metadata.topics[0]?.partitions.find((p) => p.partitionId === partition);
      if (!found) throw new Error(`${topic}/${partition} has no metadata`);
      return found.leader;
    });
  }

  /**
   * The node that leads the most partitions of `topics` (ties: the lowest id) and how many it
   * leads: killing it forces the most leader elections under the traffic on those topics.
   */
  async busiestLeader(topics: readonly string[]): Promise<{ node: number; partitions: number }> {
    return this.withAdmin(async (admin) => {
      const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
      const led = new Map<number, number>();
      for (const { partitions } of metadata.topics) {
        for (const { leader } of partitions) {
          if (leader >= 0) led.set(leader, (led.get(leader) ?? 0) + 1);
        }
      }
      const busiest = [...led].sort(([a, countA], [b, countB]) => countB - countA || a - b).at(0);
      if (!busiest) throw new Error(`no partition of ${topics.join(', ')} has a leader`);
      return { node: busiest[0], partitions: busiest[1] };
    });
  }

  async stop(): Promise<void> {
    for (const node of this.layout) {
      const pid = this.pid(node.id);
      if (pid !== undefined) process.kill(pid, 'SIGTERM');
    }
    const deadline = Date.now() + 15_000;
    while (this.layout.some((node) => this.isRunning(node)) && Date.now() < deadline) {
      await sleep(250);
    }
    // A cluster stopping as a whole loses its quorum: the last nodes cannot finish a controlled shutdown.
    for (const node of this.layout) if (this.isRunning(node)) this.kill(node.id);
    rmSync(this.options.dir, { recursive: true, force: true });
  }

  pid(id: number): number | undefined {
    const node = this.node(id);
    return this.isRunning(node) ? readPid(node.dir) : undefined;
  }

  private async launch(node: NodeLayout): Promise<void> {
    await run('bash', [nodeLauncher, node.dir, this.clusterId], {
      cwd: repoRoot,
      env: {
        ...process.env,
        KAFKA_BROKER_HEAP_OPTS: this.options.heapOptions ?? '-Xms128m -Xmx512m',
      },
    });
  }

  private async waitForBrokers(expected: number, timeoutMs: number): Promise<void> {
    await eventually(
      async () => {
        try {
          const count = await this.withAdmin(
            async (admin) => (await admin.describeCluster()).brokers.length,
          );
          return count >= expected ? true : undefined;
        } catch {
          return undefined;
        }
      },
      timeoutMs,
      `${expected} Kafka broker(s) on ${this.brokers}`,
      500,
    );
  }

  private async withAdmin<T>(work: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
    const kafka = new Kafka({
      clientId: 'kafka-test-cluster',
      brokers: this.brokers.split(','),
      logLevel: logLevel.NOTHING,
      retry: { retries: 1 },
      connectionTimeout: 2_000,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }

  private node(id: number): NodeLayout {
    const node = this.layout.find((candidate) => candidate.id === id);
    if (!node) throw new Error(`no Kafka node ${id}`);
    return node;
  }

  private isRunning(node: NodeLayout): boolean {
    const pid = readPid(node.dir);
    if (pid === undefined) return false;
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('kafka.Kafka');
    } catch {
      return false;
    }
  }

  /** Replication factor 3 with min.insync.replicas 2 on three nodes, 1/1 on one. */
  replication(): TopicPreparation {
    return this.options.nodes === 3
      ? { replicationFactor: 3, minInsyncReplicas: 2 }
      : { replicationFactor: 1, minInsyncReplicas: 1 };
  }

  private serverProperties(node: NodeLayout): string {
    const { replicationFactor: replication, minInsyncReplicas: minIsr } = this.replication();
    const voters = this.layout.map((n) => `${n.id}@127.0.0.1:${n.controllerPort}`).join(',');
    const clients = [...node.listenerPorts];
    const listeners = [
      `PLAINTEXT://127.0.0.1:${node.brokerPort}`,
      `CONTROLLER://127.0.0.1:${node.controllerPort}`,
      ...clients.map(([name, port]) => `${name}://127.0.0.1:${port}`),
    ];
    const advertised = [
      `PLAINTEXT://127.0.0.1:${node.brokerPort}`,
      ...clients.map(([name, port]) => `${name}://127.0.0.1:${this.advertised.get(name) ?? port}`),
    ];
    const protocols = ['PLAINTEXT', 'CONTROLLER', ...clients.map(([name]) => name)]
      .map((name) => `${name}:PLAINTEXT`)
      .join(',');
    return [
      '# Written by KafkaTestCluster (libs/testing) for one fault-test run.',
      'process.roles=broker,controller',
      `node.id=${node.id}`,
      `controller.quorum.voters=${voters}`,
      `listeners=${listeners.join(',')}`,
      `advertised.listeners=${advertised.join(',')}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      `listener.security.protocol.map=${protocols}`,
      `log.dirs=${join(node.dir, 'data')}`,
      'num.network.threads=2',
      'num.io.threads=2',
      'num.recovery.threads.per.data.dir=1',
      'background.threads=2',
      'num.partitions=3',
      `default.replication.factor=${replication}`,
      `min.insync.replicas=${minIsr}`,
      `offsets.topic.replication.factor=${replication}`,
      'offsets.topic.num.partitions=6',
      `transaction.state.log.replication.factor=${replication}`,
      `transaction.state.log.min.isr=${minIsr}`,
      'transaction.state.log.num.partitions=6',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=true',
      '',
    ].join('\n');
  }
}

function readPid(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, 'kafka.pid'), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A random KRaft cluster id (16 bytes, base64url). One starting with "-" would be read as an
 * option by kafka-storage's command line (`-t -T1k…`), and its format fails: 1 run in 64.
 */
function newClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}
