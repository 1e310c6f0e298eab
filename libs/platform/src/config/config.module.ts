import { type DynamicModule, Module } from '@nestjs/common';

/** Injection token under which a service's parsed, typed configuration is provided. */
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

@Module({})
export class ServiceConfigModule {
  static forRoot(config: object): DynamicModule {
    return {
      module: ServiceConfigModule,
      global: true,
      providers: [{ provide: SERVICE_CONFIG, useValue: Object.freeze(config) }],
      exports: [SERVICE_CONFIG],
    };
  }
}
