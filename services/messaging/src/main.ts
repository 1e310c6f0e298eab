import './tracing';
import 'reflect-metadata';

import { runHttpService } from '@caredispatch/platform';

import { AppModule } from './app.module';
import { loadMessagingConfig } from './config';
import { messagingDatabase } from './entities';
import { messagingErrors } from './messaging.errors';

runHttpService({
  serviceName: 'messaging',
  loadConfig: loadMessagingConfig,
  appModule: (config) => AppModule.forRoot(config),
  database: messagingDatabase,
  errors: messagingErrors,
  // Twilio posts status callbacks form-encoded.
  http: { urlencoded: true },
});
