import { Module } from '@nestjs/common';

import { RosterController } from './roster.controller';
import { RosterRepository } from './roster.repository';
import { RosterService } from './roster.service';

@Module({
  controllers: [RosterController],
  providers: [RosterRepository, RosterService],
  exports: [RosterRepository, RosterService],
})
export class RosterModule {}
