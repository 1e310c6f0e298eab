import { AcceptanceGate } from './acceptance-gate';

interface Deferred {
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe(AcceptanceGate.name, () => {
  it('should run at most `capacity` works at once and start the waiting ones in arrival order', async () => {
    const sut = new AcceptanceGate(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const runs = gates.map((gate, index) =>
      sut.run(async () => {
        started.push(index);
        running += 1;
        mostAtOnce = Math.max(mostAtOnce, running);
        await gate.promise;
        running -= 1;
        return index;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);

    gates[1].resolve();
    await runs[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0].resolve();
    gates[2].resolve();
    gates[3].resolve();

    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(mostAtOnce).toBe(2);
  });

  it('should let the next work in when one fails', async () => {
    const sut = new AcceptanceGate(1);
    const failing = sut.run(() => Promise.reject(new Error('database gone')));
    const next = sut.run(() => Promise.resolve('answered'));

    await expect(failing).rejects.toThrow('database gone');
    await expect(next).resolves.toBe('answered');
  });

  it.each([
    [2, 1],
    [8, 3],
    [10, 4],
  ])('should size itself from a pool of %i to %i', (poolSize, capacity) => {
    expect(AcceptanceGate.forPool(poolSize).capacity).toBe(capacity);
  });

  it('should refuse a capacity below one', () => {
    expect(() => new AcceptanceGate(0)).toThrow('positive integer');
  });
});
