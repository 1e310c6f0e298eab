import { createServer, type Server } from 'node:net';

import { freePort, portSliceFor } from './free-port';

const EPHEMERAL_START = 32_768;

describe('portSliceFor', () => {
  it('gives every jest worker a slice of its own, below the ephemeral range', () => {
    const slices = Array.from({ length: 15 }, (_, index) => portSliceFor(String(index + 1), 1));
    for (const [index, slice] of slices.entries()) {
      expect(slice.first + slice.size).toBeLessThanOrEqual(EPHEMERAL_START);
      for (const other of slices.slice(index + 1)) {
        expect(
          other.first >= slice.first + slice.size || other.first + other.size <= slice.first,
        ).toBe(true);
      }
    }
  });

  it('keeps processes outside jest off the workers’ slices', () => {
    const workers = Array.from({ length: 15 }, (_, index) => portSliceFor(String(index + 1), 1));
    const lastWorkerPort = Math.max(...workers.map((slice) => slice.first + slice.size));
    for (const pid of [1, 2, 3, 4, 5, 6, 4242]) {
      const slice = portSliceFor(undefined, pid);
      expect(slice.first).toBeGreaterThanOrEqual(lastWorkerPort);
      expect(slice.first + slice.size).toBeLessThanOrEqual(EPHEMERAL_START);
    }
  });
});

describe('freePort', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
  });

  it('hands out distinct ports from this worker’s slice', async () => {
    const slice = portSliceFor(process.env.JEST_WORKER_ID, process.pid);
    const ports = [await freePort(), await freePort(), await freePort()];
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) {
      expect(port).toBeGreaterThanOrEqual(slice.first);
      expect(port).toBeLessThan(slice.first + slice.size);
    }
  });

  it('skips a port someone already listens on, even on loopback only', async () => {
    const taken = await freePort();
    servers.push(await listen(taken, '127.0.0.1'));
    // The slice is walked in order, so the next ports wrap around to `taken` only after the
    // whole slice: occupy the one that comes next and check it is skipped.
    const next = taken + 1;
    servers.push(await listen(next, '127.0.0.1'));
    const port = await freePort();
    expect(port).not.toBe(taken);
    expect(port).not.toBe(next);
  });
});

function listen(port: number, host: string): Promise<Server> {
  return new Promise((resolveServer, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, host, () => resolveServer(server));
  });
}
