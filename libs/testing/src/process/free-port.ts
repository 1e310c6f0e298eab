import { createServer } from 'node:net';

/**
 * Test ports come from a slice of their own per process, below the kernel's ephemeral range
 * (Linux 32768–60999, macOS/Windows 49152+). Asking the kernel for port 0 instead hands out a
 * number that is free *now*, but the service binds it seconds later: meanwhile another jest
 * worker may be handed the same number, or a Kafka/pg client may take it for an outgoing
 * connection — and a stack's readiness probe may then be answered by another stack's service.
 */
const SLICE_SIZE = 1000;
/** Jest workers 1–15 get 11000–25999. */
const FIRST_WORKER_PORT = 10_000;
const MAX_WORKER_SLICES = 15;
/** Other processes (fault runner, benches, scripts): six slices in 26000–31999, by pid. */
const FIRST_OTHER_PORT = 26_000;
const OTHER_SLICES = 6;

export interface PortSlice {
  first: number;
  size: number;
}

/** The slice a process draws from: by JEST_WORKER_ID when jest runs it, else by pid. */
export function portSliceFor(jestWorkerId: string | undefined, pid: number): PortSlice {
  const worker = Number(jestWorkerId);
  if (Number.isInteger(worker) && worker >= 1) {
    const slice = ((worker - 1) % MAX_WORKER_SLICES) + 1;
    return { first: FIRST_WORKER_PORT + slice * SLICE_SIZE, size: SLICE_SIZE };
  }
  return { first: FIRST_OTHER_PORT + (pid % OTHER_SLICES) * SLICE_SIZE, size: SLICE_SIZE };
}

const slice = portSliceFor(process.env.JEST_WORKER_ID, process.pid);
/** A random start, so two jest runs on one machine (same worker ids) rarely meet. */
let nextOffset = Math.floor(Math.random() * slice.size);

/**
 * A loopback port nobody listens on, from this process's slice; never the same number twice
 * in one process until the slice wraps around.
 */
export async function freePort(): Promise<number> {
  for (let tried = 0; tried < slice.size; tried += 1) {
    const port = slice.first + (nextOffset % slice.size);
    nextOffset += 1;
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${slice.first}–${slice.first + slice.size - 1}`);
}

/** Services listen on every interface, so the test binds the same way. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen({ port, host: '0.0.0.0', exclusive: true }, () =>
      server.close(() => resolveFree(true)),
    );
  });
}
