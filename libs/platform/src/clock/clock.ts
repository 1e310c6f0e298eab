import { type Provider } from '@nestjs/common';

/** Source of "now", injected so tests and replays control time. */
export interface Clock {
  now(): Date;
}

/** Injection token for the service's Clock: `@Inject(CLOCK) private readonly clock: Clock`. */
export const CLOCK = Symbol('CLOCK');

export const systemClock: Clock = { now: () => new Date() };

/** Provides the wall clock under CLOCK; tests override it with a fixed clock. */
export const systemClockProvider: Provider = { provide: CLOCK, useValue: systemClock };
