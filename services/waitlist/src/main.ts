import './tracing';
import 'reflect-metadata';

import { noDomainErrors, runHttpService } from '@caredispatch/platform';

import { AppModule, waitlistDatabase } from './app.module';
import { loadWaitlistConfig } from './config';

runHttpService({
  serviceName: 'waitlist',
  loadConfig: loadWaitlistConfig,
  appModule: (config) => AppModule.forRoot(config),
  database: waitlistDatabase,
  // No domain errors yet: anything unexpected is a 500 with an error id.
  errors: noDomainErrors,
});
