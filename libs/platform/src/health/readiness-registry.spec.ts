import { ReadinessRegistry } from './readiness-registry';

describe(ReadinessRegistry.name, () => {
  it('should be ready only when every probe is up and carry the reason a down probe gave', async () => {
    const sut = new ReadinessRegistry();
    sut.register('database', () => true);
    sut.register('kafka', () => ({ ready: false, reason: 'stalled t[0]@4 sqlstate:57P01' }));
    sut.register('sender', () => Promise.reject(new Error('probe failed')));

    await expect(sut.evaluate()).resolves.toEqual({
      ready: false,
      checks: { database: 'up', kafka: 'down', sender: 'down' },
      reasons: { kafka: 'stalled t[0]@4 sqlstate:57P01' },
    });
  });

  it('should report ready without reasons when every probe is up', async () => {
    const sut = new ReadinessRegistry();
    sut.register('database', () => Promise.resolve(true));
    sut.register('kafka', () => ({ ready: true }));

    await expect(sut.evaluate()).resolves.toEqual({
      ready: true,
      checks: { database: 'up', kafka: 'up' },
      reasons: {},
    });
  });
});
