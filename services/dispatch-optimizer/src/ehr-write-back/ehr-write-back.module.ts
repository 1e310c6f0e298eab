import { Module } from '@nestjs/common';

import { ExceptionsModule } from '../exceptions/exceptions.module';

import { AssignmentWriteBackService } from './assignment-write-back.service';
import { WriteBackOutcomesConsumer } from './write-back-outcomes.consumer';

@Module({
  imports: [ExceptionsModule],
  providers: [AssignmentWriteBackService, WriteBackOutcomesConsumer],
  exports: [AssignmentWriteBackService],
})
export class EhrWriteBackModule {}
