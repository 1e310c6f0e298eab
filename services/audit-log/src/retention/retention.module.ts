import { Module } from '@nestjs/common';

import { PartitionMaintenanceScheduler } from './partition-maintenance.scheduler';

/** Inside the service only the partitions ahead; archiving runs as the owner (retention/main.ts). */
@Module({ providers: [PartitionMaintenanceScheduler] })
export class RetentionModule {}
