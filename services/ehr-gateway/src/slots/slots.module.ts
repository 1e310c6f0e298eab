import { Module } from '@nestjs/common';

import { systemClockProvider } from '@caredispatch/platform';

import { SlotSnapshotService } from './slot-snapshot.service';

@Module({
  providers: [SlotSnapshotService, systemClockProvider],
  exports: [SlotSnapshotService],
})
export class SlotsModule {}
