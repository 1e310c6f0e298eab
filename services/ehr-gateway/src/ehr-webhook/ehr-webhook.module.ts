import { Module, type OnModuleInit } from '@nestjs/common';

import { KafkaRuntime } from '@caredispatch/kafka';
import { ReadinessRegistry, systemClockProvider } from '@caredispatch/platform';

import { EhrWebhookController } from './ehr-webhook.controller';
import { EhrWebhookRepository } from './ehr-webhook.repository';
import { EhrWebhookService } from './ehr-webhook.service';
import { RawWebhookBodyInstaller } from './raw-body';
import { WebhookDeliveryPruner } from './webhook-delivery.pruner';

@Module({
  controllers: [EhrWebhookController],
  providers: [
    RawWebhookBodyInstaller,
    EhrWebhookService,
    EhrWebhookRepository,
    WebhookDeliveryPruner,
    systemClockProvider,
  ],
})
export class EhrWebhookModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly kafka: KafkaRuntime,
  ) {}

  onModuleInit(): void {
    // A 202 is only honest if the relay can eventually publish what was staged.
    this.readiness.register('outbox-relay', () => this.kafka.isReady());
  }
}
