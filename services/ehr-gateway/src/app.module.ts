import { type DynamicModule, Module } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { type EhrGatewayConfig } from './config';
import { EhrWebhookModule } from './ehr-webhook/ehr-webhook.module';
import { ehrGatewayEntities, ehrGatewayMigrations } from './entities';

export const SERVICE_NAME = 'ehr-gateway';

@Module({})
export class AppModule {
  static forRoot(config: EhrGatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Producer only: the relay publishes the outbox; ehr-gateway consumes nothing.
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: SERVICE_NAME,
          entities: ehrGatewayEntities,
          migrations: ehrGatewayMigrations,
          produces: true,
          // No PHI column of its own (no part of a webhook body is stored); its outbox
          // payloads carry the patient's name and phone and are encrypted.
          phi: { columns: [] },
          topics: [Topics.EhrAppointmentV1],
        }),
        EhrWebhookModule,
      ],
    };
  }
}
