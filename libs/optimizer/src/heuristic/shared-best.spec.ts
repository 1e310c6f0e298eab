import { SharedBest } from './shared-best';

describe(SharedBest.name, () => {
  const vehicles = 3;
  const appointments = 5;

  it('should hand out nothing before any plan was offered', () => {
    const sut = new SharedBest(SharedBest.allocate(vehicles, appointments), vehicles);

    expect(sut.takeIfBetter(Number.MAX_VALUE)).toBeNull();
  });

  it('should hand a cheaper offered plan to another view of the same buffer, as a copy', () => {
    const buffer = SharedBest.allocate(vehicles, appointments);
    const publisher = new SharedBest(buffer, vehicles);
    const sut = new SharedBest(buffer, vehicles);
    const routes = [[4, 0], [], [2, 1, 3]];

    expect(publisher.offer(120, routes)).toBe(true);
    routes[0].push(9);
    const taken = sut.takeIfBetter(150);

    expect(taken).toEqual({ cost: 120, routes: [[4, 0], [], [2, 1, 3]] });
  });

  it('should keep the cheaper plan when a costlier one is offered and give nothing to a run that is as good', () => {
    const sut = new SharedBest(SharedBest.allocate(vehicles, appointments), vehicles);
    sut.offer(100, [[0], [1, 2], []]);

    expect(sut.offer(130, [[0, 1, 2], [], []])).toBe(false);
    expect(sut.takeIfBetter(100)).toBeNull();
    expect(sut.takeIfBetter(101)).toEqual({ cost: 100, routes: [[0], [1, 2], []] });
  });
});
