import {
  type DynamicModule,
  type InjectionToken,
  Module,
  type ModuleMetadata,
} from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { OutboxWriter } from '../outbox/outbox-writer';

import { KafkaMetricsController } from './kafka-metrics.controller';
import { KAFKA_MODULE_OPTIONS, type KafkaModuleOptions } from './kafka-module-options';
import { KafkaRuntime } from './kafka-runtime';

export interface KafkaModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => KafkaModuleOptions | Promise<KafkaModuleOptions>;
}

/**
 * Global: import once in the service's root module (after TypeOrmModule, whose DataSource it
 * uses). Exposes OutboxWriter for producers and KafkaRuntime for readiness, serves
 * `GET /metrics` (Prometheus text: dead letters per topic, retries, stalled partitions);
 * providers' @EventHandler methods are discovered and consumed automatically.
 */
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions): DynamicModule {
    return KafkaModule.forRootAsync({ useFactory: () => options });
  }

  static forRootAsync(options: KafkaModuleAsyncOptions): DynamicModule {
    return {
      module: KafkaModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        {
          provide: KAFKA_MODULE_OPTIONS,
          useFactory: options.useFactory,
          inject: options.inject ?? [],
        },
        {
          provide: OutboxWriter,
          inject: [KAFKA_MODULE_OPTIONS],
          useFactory: (settings: KafkaModuleOptions) =>
            new OutboxWriter({
              producer: settings.serviceName,
              clock: settings.clock,
              payloadCipher: settings.payloadCipher,
            }),
        },
        KafkaRuntime,
      ],
      controllers: [KafkaMetricsController],
      exports: [OutboxWriter, KafkaRuntime],
    };
  }
}
