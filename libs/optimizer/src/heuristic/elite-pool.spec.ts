import { ElitePool } from './elite-pool';
import { SeededRandom } from './seeded-random';

const routesOf = (id: number): number[][] => [[id], []];

describe(ElitePool.name, () => {
  it('should keep the best distinct plans, best first, up to its capacity', () => {
    const sut = new ElitePool(3, 1e-6);

    for (const cost of [50, 10, 40, 30, 20]) sut.offer(cost, routesOf(cost));

    expect(sut.costs()).toEqual([10, 20, 30]);
  });

  it('should refuse a plan whose cost equals one it holds, and a plan worse than all of a full pool', () => {
    const sut = new ElitePool(2, 1e-6);
    sut.offer(10, routesOf(1));
    sut.offer(20, routesOf(2));

    expect(sut.admits(10 + 1e-9)).toBe(false);
    expect(sut.offer(10 + 1e-9, routesOf(3))).toBe(false);
    expect(sut.admits(25)).toBe(false);
    expect(sut.admits(15)).toBe(true);
    expect(sut.costs()).toEqual([10, 20]);
  });

  it('should pick every plan it holds and nothing when empty', () => {
    const empty = new ElitePool(4, 1e-6);
    expect(empty.pick(new SeededRandom(1))).toBeUndefined();
    const sut = new ElitePool(4, 1e-6);
    for (const cost of [1, 2, 3, 4]) sut.offer(cost, routesOf(cost));
    const random = new SeededRandom(3);
    const picked = new Set<number>();
    for (let i = 0; i < 200; i++) picked.add(sut.pick(random)?.cost ?? -1);

    expect([...picked].sort()).toEqual([1, 2, 3, 4]);
  });

  it('should hold nothing with capacity 0', () => {
    const sut = new ElitePool(0, 1e-6);

    expect(sut.offer(1, routesOf(1))).toBe(false);
    expect(sut.size).toBe(0);
  });
});
