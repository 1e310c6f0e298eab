import { type DynamicModule, Module } from '@nestjs/common';

import { Topics } from '@caredispatch/contracts';
import { ServiceInfrastructureModule } from '@caredispatch/platform';

import { type EhrGatewayConfig } from './config';
import { EhrFhirModule } from './ehr-fhir/ehr-fhir.module';
import { EhrWebhookModule } from './ehr-webhook/ehr-webhook.module';
import { ehrGatewayDatabase } from './entities';
import { RosterModule } from './roster/roster.module';
import { WriteBackModule } from './write-back/write-back.module';

export const SERVICE_NAME = 'ehr-gateway';

@Module({})
export class AppModule {
  static forRoot(config: EhrGatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Publishes EHR changes, free slots, write-back outcomes and rosters; consumes patient
        // responses to write them back, waitlist fills to book them, roster import requests and
        // dispatch's reassignments to write the practitioner back.
        ServiceInfrastructureModule.forRoot(config, {
          serviceName: SERVICE_NAME,
          database: ehrGatewayDatabase,
          topics: [
            Topics.EhrAppointmentV1,
            Topics.EhrSlotV1,
            Topics.EhrWriteBackV1,
            Topics.MessagingPatientResponseV1,
            Topics.WaitlistSlotV1,
            Topics.EhrRosterV1,
            Topics.DispatchRosterImportV1,
            Topics.DispatchEhrAssignmentV1,
          ],
        }),
        EhrFhirModule,
        EhrWebhookModule,
        WriteBackModule,
        RosterModule,
      ],
    };
  }
}
