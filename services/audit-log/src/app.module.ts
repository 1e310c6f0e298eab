import { type DynamicModule, Module } from '@nestjs/common';

import { ALL_TOPICS } from '@caredispatch/contracts';
import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { AuditEventsModule } from './audit-events/audit-events.module';
import { ComplianceModule } from './compliance/compliance.module';
import { type AuditLogConfig } from './config';
import { auditLogEntities, auditLogMigrations } from './entities';

@Module({})
export class AppModule {
  static forRoot(config: AuditLogConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: 'audit-log',
          entities: auditLogEntities,
          migrations: auditLogMigrations,
          // Tenants' chains serialize on their own head row, so partitions can run in parallel.
          consumer: { partitionsConsumedConcurrently: 3 },
          // Tree heads (Kafka anchor) and the compliance officer's own accesses go out through the outbox.
          produces: true,
          topics: ALL_TOPICS,
        }),
        AuditEventsModule,
        ComplianceModule,
      ],
    };
  }
}
