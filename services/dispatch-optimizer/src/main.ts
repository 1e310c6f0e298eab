import './tracing';
import 'reflect-metadata';

import { HttpStatus } from '@nestjs/common';

import { runHttpService } from '@caredispatch/platform';

import { AppModule } from './app.module';
import { loadDispatchOptimizerConfig } from './config';

runHttpService({
  serviceName: 'dispatch-optimizer',
  loadConfig: loadDispatchOptimizerConfig,
  appModule: (config) => AppModule.forRoot(config),
  // No domain errors yet: anything unexpected is a 500 with an error id.
  toHttpStatus: () => HttpStatus.INTERNAL_SERVER_ERROR,
});
