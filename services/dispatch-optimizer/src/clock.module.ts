import { Global, Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

/** One clock for every dispatch module (tests override CLOCK once). */
@Global()
@Module({ providers: [systemClockProvider], exports: [systemClockProvider] })
export class ClockModule {}
