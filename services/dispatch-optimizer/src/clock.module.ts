import { type DynamicModule, Global, Module } from '@nestjs/common';

import { CLOCK, type Clock, systemClock } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from './config';

/** A clock that reads `startAt` when the service starts and then runs at wall speed. */
export function clockStartingAt(startAt: Date, wall: Clock = systemClock): Clock {
  const offset = startAt.getTime() - wall.now().getTime();
  return { now: () => new Date(wall.now().getTime() + offset) };
}

/** One clock for every dispatch module (in-process tests override CLOCK once). */
@Global()
@Module({})
export class ClockModule {
  static forRoot(config: Pick<DispatchOptimizerConfig, 'CLOCK_START_AT'>): DynamicModule {
    const clock =
      config.CLOCK_START_AT === undefined
        ? systemClock
        : clockStartingAt(new Date(config.CLOCK_START_AT));
    return {
      module: ClockModule,
      providers: [{ provide: CLOCK, useValue: clock }],
      exports: [CLOCK],
    };
  }
}
