import './tracing';
import 'reflect-metadata';

import { runHttpService } from '@caredispatch/platform';

import { AppModule } from './app.module';
import { schedulingErrors } from './appointments/appointments.errors';
import { loadSchedulingConfig } from './config';
import { schedulingDatabase } from './entities';

runHttpService({
  serviceName: 'scheduling',
  loadConfig: loadSchedulingConfig,
  appModule: (config) => AppModule.forRoot(config),
  database: schedulingDatabase,
  errors: schedulingErrors,
});
