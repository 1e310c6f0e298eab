import './tracing';
import 'reflect-metadata';

import { runHttpService } from '@caredispatch/platform';

import { AppModule, waitlistDatabase } from './app.module';
import { loadWaitlistConfig } from './config';
import { waitlistErrors } from './waitlist.errors';

runHttpService({
  serviceName: 'waitlist',
  loadConfig: loadWaitlistConfig,
  appModule: (config) => AppModule.forRoot(config),
  database: waitlistDatabase,
  errors: waitlistErrors,
});
