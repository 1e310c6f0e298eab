import { Module } from '@nestjs/common';

import { AssignmentWriteBackService } from './assignment-write-back.service';

@Module({
  providers: [AssignmentWriteBackService],
  exports: [AssignmentWriteBackService],
})
export class EhrWriteBackModule {}
