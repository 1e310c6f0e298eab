import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../../..');

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServiceProcessOptions {
  /** Folder name under services/. */
  service: string;
  port: number;
  env: Record<string, string>;
  /** Where stdout/stderr go; one file per start. */
  logDir?: string;
}

/**
 * A CareDispatch service as a real OS process, started the way production starts it
 * (its own main.ts, its own config validation), so tests can SIGKILL it at any moment.
 */
export class ServiceProcess {
  private child: ChildProcess | undefined;
  private logStream: WriteStream | undefined;
  private starts = 0;

  constructor(private readonly options: ServiceProcessOptions) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.options.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(readyTimeoutMs = 240_000): Promise<void> {
    if (this.child) throw new Error(`${this.options.service} is already running`);
    const logDir = this.options.logDir ?? join(repoRoot, 'tmp', 'e2e-logs');
    mkdirSync(logDir, { recursive: true });
    this.starts += 1;
    this.logStream = createWriteStream(join(logDir, `${this.options.service}.${this.starts}.log`));
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', join('services', this.options.service, 'src', 'main.ts')],
      {
        cwd: repoRoot,
        env: {
          PATH: process.env.PATH ?? '',
          ...this.options.env,
          HTTP_PORT: String(this.options.port),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout.pipe(this.logStream, { end: false });
    child.stderr.pipe(this.logStream, { end: false });
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    await this.waitUntilReady(readyTimeoutMs);
  }

  async waitUntilReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`${this.options.service} exited during start-up`);
      try {
        const response = await fetch(`${this.baseUrl}/health/ready`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`${this.options.service} not ready within ${timeoutMs} ms`);
  }

  /** SIGKILL: no shutdown hooks, no flush — the crash the outbox and inbox must survive. */
  async kill(): Promise<ProcessExit | undefined> {
    return this.signal('SIGKILL');
  }

  /** SIGTERM: graceful shutdown. Resolves with how the process ended. */
  async stop(): Promise<ProcessExit | undefined> {
    return this.signal('SIGTERM');
  }

  private async signal(signal: NodeJS.Signals): Promise<ProcessExit | undefined> {
    const child = this.child;
    if (!child) return undefined;
    const exited = new Promise<ProcessExit>((resolveExit) =>
      child.once('exit', (code, exitSignal) => resolveExit({ code, signal: exitSignal })),
    );
    child.kill(signal);
    const exit = await exited;
    this.child = undefined;
    this.logStream?.end();
    return exit;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}

/** Polls until the probe returns a value, or fails with the message after the timeout. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  message: string,
  intervalMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
    await sleep(intervalMs);
  }
}
