import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type TcpProxyMode = 'forwarding' | 'cut' | 'blackhole';

export interface TcpProxyTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * A loopback TCP proxy for fault tests: a client pointed at `address` reaches `target` until
 * the test cuts the line. `cut()` resets every live connection and refuses new ones (a crashed
 * host or a closed port); `blackhole()` accepts connections and forwards nothing (a network
 * partition: the client only learns through its own timeouts); `restore()` forwards again.
 */
export class TcpProxy {
  private server: Server | undefined;
  private listeningPort = 0;
  private currentMode: TcpProxyMode = 'forwarding';
  private readonly live = new Set<Socket>();

  constructor(private readonly target: TcpProxyTarget) {}

  /** Listens on 127.0.0.1 (a free port unless one is given). */
  async start(port = 0): Promise<{ host: string; port: number }> {
    const server = createServer((client) => this.accept(client));
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolveListen());
    });
    const address = server.address();
    this.listeningPort = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
    return { host: '127.0.0.1', port: this.listeningPort };
  }

  get port(): number {
    return this.listeningPort;
  }

  /** `127.0.0.1:<port>`, for a broker list or a URL's host. */
  get address(): string {
    return `127.0.0.1:${this.listeningPort}`;
  }

  get mode(): TcpProxyMode {
    return this.currentMode;
  }

  /** Sockets currently open through the proxy (client and upstream sides each count). */
  get openSockets(): number {
    return this.live.size;
  }

  cut(): void {
    this.currentMode = 'cut';
    this.destroyAll();
  }

  /** Drops live connections too: a partition also ends in-flight requests without an answer. */
  blackhole(): void {
    this.currentMode = 'blackhole';
    this.destroyAll();
  }

  restore(): void {
    this.currentMode = 'forwarding';
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.destroyAll();
    if (server) await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  }

  private accept(client: Socket): void {
    client.on('error', () => client.destroy());
    switch (this.currentMode) {
      case 'cut':
        // RST rather than FIN: what a client sees from a dead peer or a firewall reject.
        client.resetAndDestroy();
        return;
      case 'blackhole':
        this.track(client);
        client.pause();
        return;
      case 'forwarding':
        this.forward(client);
        return;
    }
  }

  private forward(client: Socket): void {
    const upstream = createConnection({ host: this.target.host, port: this.target.port });
    this.track(client);
    this.track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream);
    upstream.pipe(client);
  }

  private track(socket: Socket): void {
    this.live.add(socket);
    socket.once('close', () => this.live.delete(socket));
  }

  private destroyAll(): void {
    for (const socket of this.live) socket.resetAndDestroy();
    this.live.clear();
  }
}
