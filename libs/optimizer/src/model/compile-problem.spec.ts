import { simpleProblem } from '../testing/random-problem';

import { compileProblem, InvalidProblemError } from './compile-problem';

import type { Problem } from './problem';

function refusal(problem: Problem): InvalidProblemError | undefined {
  try {
    compileProblem(problem);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidProblemError) return error;
    throw error;
  }
}

describe(compileProblem.name, () => {
  const base = simpleProblem();
  const inverted = { start: 11 * 3600, end: 9 * 3600 };

  it('should refuse an appointment time window that ends before it starts, naming the field', () => {
    const problem: Problem = {
      ...base,
      appointments: [{ ...base.appointments[0], timeWindows: [{ start: 0, end: 1 }, inverted] }],
    };

    const sut = refusal(problem);

    expect(sut?.field).toBe('appointments[0].timeWindows[1]');
  });

  it('should refuse a shift that ends before it starts, naming the field', () => {
    const problem: Problem = {
      ...base,
      providers: [{ ...base.providers[0], availability: [inverted] }],
    };

    const sut = refusal(problem);

    expect(sut?.field).toBe('providers[0].availability[0]');
  });

  it('should refuse inverted clinic opening hours and clinic blocks, naming the field', () => {
    const clinic = { id: 'c', location: 0, openingHours: [{ start: 0, end: 86_400 }] };

    const hours = refusal({ ...base, clinics: [{ ...clinic, openingHours: [inverted] }] });
    const blocks = refusal({ ...base, clinics: [clinic], clinicBlocks: [inverted] });

    expect(hours?.field).toBe('clinics[0].openingHours[0]');
    expect(blocks?.field).toBe('clinicBlocks[0]');
  });

  it('should accept a zero-width window (a fixed start)', () => {
    const problem: Problem = {
      ...base,
      appointments: [
        { ...base.appointments[0], timeWindows: [{ start: 9 * 3600, end: 9 * 3600 }] },
      ],
    };

    expect(refusal(problem)).toBeUndefined();
  });
});
