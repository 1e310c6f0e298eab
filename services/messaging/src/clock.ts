import { type Clock, systemClock } from '@caredispatch/contracts';

/** Injection token for the service's source of "now" (a fixed clock in tests). */
export const CLOCK = Symbol('CLOCK');

export const systemClockProvider = { provide: CLOCK, useValue: systemClock satisfies Clock };
