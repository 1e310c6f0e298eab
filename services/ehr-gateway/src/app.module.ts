import { type DynamicModule, Module } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { type EhrGatewayConfig } from './config';
import { AppointmentStateEntity } from './ehr-webhook/appointment-state.entity';
import { EhrWebhookModule } from './ehr-webhook/ehr-webhook.module';
import { WebhookDeliveryEntity } from './ehr-webhook/webhook-delivery.entity';
import { CreateEhrWebhookTables1764210000000 } from './migrations/1764210000000-create-ehr-webhook-tables';
import { SequenceAppointmentState1764900000000 } from './migrations/1764900000000-sequence-appointment-state';

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
          entities: [WebhookDeliveryEntity, AppointmentStateEntity],
          migrations: [CreateEhrWebhookTables1764210000000, SequenceAppointmentState1764900000000],
          produces: true,
          topics: [Topics.EhrAppointmentV1],
        }),
        EhrWebhookModule,
      ],
    };
  }
}
