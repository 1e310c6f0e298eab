import { type DynamicModule, Module } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { type EhrGatewayConfig } from './config';
import { EhrWebhookModule } from './ehr-webhook/ehr-webhook.module';
import { ehrGatewayDatabase } from './entities';

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
          database: ehrGatewayDatabase,
          topics: [Topics.EhrAppointmentV1],
        }),
        EhrWebhookModule,
      ],
    };
  }
}
