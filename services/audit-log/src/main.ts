import './tracing';
import 'reflect-metadata';

import { runHttpService } from '@caredispatch/platform';

import { AppModule } from './app.module';
import { auditErrors } from './audit-events/audit-events.errors';
import { loadAuditLogConfig } from './config';
import { auditLogDatabase } from './entities';

runHttpService({
  serviceName: 'audit-log',
  loadConfig: loadAuditLogConfig,
  appModule: (config) => AppModule.forRoot(config),
  database: auditLogDatabase,
  errors: auditErrors,
});
