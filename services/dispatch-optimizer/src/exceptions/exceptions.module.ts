import { Module } from '@nestjs/common';

import { DispatchExceptionReporter } from './dispatch-exception.model';
import { ExceptionsController } from './exceptions.controller';
import { ExceptionsService } from './exceptions.service';

@Module({
  controllers: [ExceptionsController],
  providers: [
    ExceptionsService,
    { provide: DispatchExceptionReporter, useExisting: ExceptionsService },
  ],
  exports: [ExceptionsService, DispatchExceptionReporter],
})
export class ExceptionsModule {}
