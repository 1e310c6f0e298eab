import { Global, Module, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { HealthController } from './health.controller';
import { ReadinessRegistry } from './readiness-registry';

@Global()
@Module({
  controllers: [HealthController],
  providers: [ReadinessRegistry],
  exports: [ReadinessRegistry],
})
export class HealthModule implements OnModuleInit {
  constructor(
    private readonly readiness: ReadinessRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.readiness.register('database', async () => {
      if (!this.dataSource.isInitialized) return false;
      await this.dataSource.query('SELECT 1');
      return true;
    });
  }
}
