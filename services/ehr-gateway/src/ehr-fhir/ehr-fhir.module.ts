import { Global, Module } from '@nestjs/common';

import { CLOCK, type Clock, SERVICE_CONFIG, systemClockProvider } from '@caredispatch/platform';

import { type EhrGatewayConfig } from '../config';

import { EhrConnections, joinEhrConnections } from './ehr-connection';
import { EhrFhirClient } from './ehr-fhir.client';
import { SmartTokenProvider } from './smart-token-provider';

/** The per-tenant EHR connections and the FHIR client (tokens cached per tenant). */
@Global()
@Module({
  providers: [
    systemClockProvider,
    {
      provide: EhrConnections,
      inject: [SERVICE_CONFIG],
      useFactory: (config: EhrGatewayConfig) =>
        joinEhrConnections(config.EHR_CONNECTIONS, config.EHR_PRIVATE_KEYS),
    },
    {
      provide: SmartTokenProvider,
      inject: [SERVICE_CONFIG, CLOCK],
      useFactory: (config: EhrGatewayConfig, clock: Clock) =>
        new SmartTokenProvider(clock, config.EHR_REQUEST_TIMEOUT_MS),
    },
    {
      provide: EhrFhirClient,
      inject: [SERVICE_CONFIG, SmartTokenProvider],
      useFactory: (config: EhrGatewayConfig, tokens: SmartTokenProvider) =>
        new EhrFhirClient(tokens, config.EHR_REQUEST_TIMEOUT_MS),
    },
  ],
  exports: [EhrConnections, EhrFhirClient],
})
export class EhrFhirModule {}
