import { type DynamicModule, Module } from '@nestjs/common';

import { ALL_TOPICS } from '@caredispatch/contracts';
import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { AuditEventsModule } from './audit-events/audit-events.module';
import { ComplianceModule } from './compliance/compliance.module';
import { type AuditLogConfig } from './config';
import { auditLogDatabase } from './entities';
import { RetentionModule } from './retention/retention.module';

@Module({})
export class AppModule {
  static forRoot(config: AuditLogConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: 'audit-log',
          database: auditLogDatabase,
          // Tenants' chains serialize on their own head row, so partitions can run in parallel.
          consumer: { partitionsConsumedConcurrently: 3 },
          topics: ALL_TOPICS,
        }),
        AuditEventsModule,
        ComplianceModule,
        RetentionModule,
      ],
    };
  }
}
