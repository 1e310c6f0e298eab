import './tracing';
import 'reflect-metadata';

import { noDomainErrors, runHttpService } from '@caredispatch/platform';

import { AppModule, dispatchOptimizerDatabase } from './app.module';
import { loadDispatchOptimizerConfig } from './config';

runHttpService({
  serviceName: 'dispatch-optimizer',
  loadConfig: loadDispatchOptimizerConfig,
  appModule: (config) => AppModule.forRoot(config),
  database: dispatchOptimizerDatabase,
  // No domain errors yet: anything unexpected is a 500 with an error id.
  errors: noDomainErrors,
});
