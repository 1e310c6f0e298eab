import { Module } from '@nestjs/common';

import { ExceptionsModule } from '../exceptions/exceptions.module';
import { PlanModule } from '../plan/plan.module';
import { RosterModule } from '../roster/roster.module';

import { CallOutPort } from './call-out.model';
import { CallOutService } from './call-out.service';
import { CallOutsController } from './call-outs.controller';

@Module({
  imports: [PlanModule, RosterModule, ExceptionsModule],
  controllers: [CallOutsController],
  providers: [CallOutService, { provide: CallOutPort, useExisting: CallOutService }],
  exports: [CallOutPort],
})
export class CallOutsModule {}
