import './tracing';
import 'reflect-metadata';

import { runHttpService } from '@caredispatch/platform';

import { AppModule } from './app.module';
import { loadEhrGatewayConfig } from './config';
import { ehrWebhookErrors } from './ehr-webhook/ehr-webhook.errors';
import { ehrGatewayDatabase } from './entities';

runHttpService({
  serviceName: 'ehr-gateway',
  loadConfig: loadEhrGatewayConfig,
  appModule: (config) => AppModule.forRoot(config),
  database: ehrGatewayDatabase,
  errors: ehrWebhookErrors,
});
