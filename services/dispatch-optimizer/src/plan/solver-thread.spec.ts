import {
  type Appointment,
  checkSolution,
  type Problem,
  replan,
  type ReplanResult,
  solveSync,
} from '@caredispatch/optimizer';

import { replanBookingChange } from './booking-replan';
import { SolverThread } from './solver-thread';

const HOUR = 3600;

function visit(id: string, location: number, from: number): Appointment {
  return {
    id,
    location,
    durationSeconds: 1800,
    requiredCredentials: ['RN'],
    timeWindows: [{ start: from, end: from + 3 * HOUR }],
  };
}

/** Three nurses, 30 home visits in one day. */
function homeVisitDay(): Problem {
  return {
    locations: Array.from({ length: 31 }, (_, i) => ({
      id: `l${i}`,
      coordinates: { lat: 40.7 + ((i * 37) % 100) / 900, lon: -74 + ((i * 53) % 100) / 800 },
    })),
    providers: ['rn-a', 'rn-b', 'rn-c'].map((id) => ({
      id,
      credentials: ['RN'],
      startLocation: 0,
      endLocation: 0,
      availability: [{ start: 8 * HOUR, end: 18 * HOUR }],
    })),
    appointments: Array.from({ length: 30 }, (_, i) => visit(`v${i}`, 1 + i, (8 + (i % 7)) * HOUR)),
  };
}

/** A re-plan's result without the wall-clock figures of its statistics. */
function withoutTimings(result: ReplanResult): unknown {
  const { bestFoundAtMs: _found, elapsedMs: _elapsed, ...statistics } = result.solution.statistics;
  return { ...result, solution: { ...result.solution, statistics } };
}

describe(SolverThread.name, () => {
  let sut: SolverThread;

  beforeAll(() => {
    sut = new SolverThread();
    sut.onModuleInit();
  });

  afterAll(async () => {
    await sut.onModuleDestroy();
  });

  it('should return the plan the same seeded search returns in-process', async () => {
    const problem = homeVisitDay();

    const solution = await sut.solve(problem, { maxIterations: 300, seed: 7 });

    const inProcess = solveSync(problem, { maxIterations: 300, seed: 7 });
    expect(checkSolution(problem, solution)).toEqual([]);
    expect(solution.itineraries).toEqual(inProcess.itineraries);
    expect(solution.objective).toEqual(inProcess.objective);
  });

  it('should re-plan a call-out and a booking change as the optimizer does in-process', async () => {
    const problem = homeVisitDay();
    const plan = solveSync(problem, { maxIterations: 300, seed: 7 });
    const callOut = {
      problem,
      plan,
      changes: [{ kind: 'provider-unavailable' as const, providerId: 'rn-b', from: 10 * HOUR }],
      freezeTime: 10 * HOUR,
    };
    const booking = {
      problem,
      plan,
      changes: [{ kind: 'appointment-added' as const, appointment: visit('late', 15, 12 * HOUR) }],
      freezeTime: 9 * HOUR,
    };
    const options = { maxIterations: 200, seed: 3, polish: false };

    const [calledOut, booked] = await Promise.all([
      sut.replan(callOut, options),
      sut.replanBookingChange(booking, options, { from: 0, until: 24 * HOUR }),
    ]);

    expect(withoutTimings(calledOut)).toEqual(withoutTimings(replan(callOut, options)));
    expect(withoutTimings(booked)).toEqual(
      withoutTimings(replanBookingChange(booking, options, { from: 0, until: 24 * HOUR })),
    );
  });

  it('should keep the calling thread responsive while a search runs', async () => {
    let ticks = 0;
    const ticker = setInterval(() => (ticks += 1), 10);

    try {
      await sut.solve(homeVisitDay(), { timeLimitMs: 400, seed: 1 });
    } finally {
      clearInterval(ticker);
    }

    // In-process, the synchronous search would let no timer fire until it returned.
    expect(ticks).toBeGreaterThan(0);
  });

  it('should reject with the optimizer’s own error and go on serving the next job', async () => {
    const problem = homeVisitDay();
    const invalid: Problem = {
      ...problem,
      appointments: [{ ...visit('bad', 999, 9 * HOUR) }],
    };

    const failure = sut.solve(invalid, { maxIterations: 10, seed: 1 });

    await expect(failure).rejects.toMatchObject({
      name: 'InvalidProblemError',
      message: 'appointments[0].location: location 999 does not exist',
    });
    const next = await sut.solve(problem, { maxIterations: 50, seed: 1 });
    expect(checkSolution(problem, next)).toEqual([]);
  });
});
