import { Module } from '@nestjs/common';

import { PhiAccessModule } from '@caredispatch/phi-access';

import { TreeHeadsModule } from '../tree-heads/tree-heads.module';

import { ComplianceQueryService } from './compliance-query.service';
import { ComplianceController } from './compliance.controller';

@Module({
  imports: [TreeHeadsModule, PhiAccessModule],
  controllers: [ComplianceController],
  providers: [ComplianceQueryService],
})
export class ComplianceModule {}
