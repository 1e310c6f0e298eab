import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';

import { buildDataSourceOptions, HealthModule, ServiceConfigModule } from '@caredispatch/platform';

import { type WaitlistConfig } from './config';

@Module({})
export class AppModule {
  static forRoot(config: WaitlistConfig): DynamicModule {
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
            applicationName: 'waitlist',
          }),
        ),
        HealthModule,
      ],
    };
  }
}
