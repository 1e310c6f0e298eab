import { Module } from '@nestjs/common';

import { PhiAccessModule } from '@caredispatch/phi-access';

import { TreeHeadsModule } from '../tree-heads/tree-heads.module';

import { ComplianceController } from './compliance.controller';
import { ComplianceQueryService } from './compliance-query.service';

@Module({
  imports: [TreeHeadsModule, PhiAccessModule],
  controllers: [ComplianceController],
  providers: [ComplianceQueryService],
})
export class ComplianceModule {}
