import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { buildDataSourceOptions, HealthModule, ServiceConfigModule } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: DispatchOptimizerConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceConfigModule.forRoot(config),
        TypeOrmModule.forRoot(
          buildDataSourceOptions({
            url: config.DATABASE_URL,
            poolSize: config.DATABASE_POOL_SIZE,
            entities: [],
            migrations: [],
            applicationName: 'dispatch-optimizer',
          }),
        ),
        HealthModule,
      ],
    };
  }
}
