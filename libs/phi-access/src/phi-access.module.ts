import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';

import { PhiAccessInterceptor } from './phi-access.interceptor';
import { PhiAccessRecorder } from './phi-access.recorder';

/**
 * Import once in a service with PHI read routes: `@RecordPhiAccess` on a handler then records
 * every access through the service's outbox (the service must produce: `produces: true`).
 */
@Module({
  providers: [PhiAccessRecorder, { provide: APP_INTERCEPTOR, useClass: PhiAccessInterceptor }],
  exports: [PhiAccessRecorder],
})
export class PhiAccessModule {}
