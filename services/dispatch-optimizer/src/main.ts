import './tracing';
import 'reflect-metadata';

import { runHttpService } from '@caredispatch/platform';

import { AppModule, dispatchOptimizerDatabase } from './app.module';
import { loadDispatchOptimizerConfig } from './config';
import { dispatchErrors } from './dispatch.errors';

runHttpService({
  serviceName: 'dispatch-optimizer',
  loadConfig: loadDispatchOptimizerConfig,
  appModule: (config) => AppModule.forRoot(config),
  database: dispatchOptimizerDatabase,
  errors: dispatchErrors,
  // The Slack slash command is authenticated by a signature over its raw form body.
  http: { rawBody: true, urlencoded: true },
});
