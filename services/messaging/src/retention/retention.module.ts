import { Module } from '@nestjs/common';

import { MessageRetentionService } from './message-retention.service';

@Module({ providers: [MessageRetentionService] })
export class RetentionModule {}
