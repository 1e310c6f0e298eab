import { Module } from '@nestjs/common';

import { PatientContactRetentionService } from './patient-contact-retention.service';

@Module({ providers: [PatientContactRetentionService] })
export class RetentionModule {}
