import { routesWithoutPolicy } from '@caredispatch/auth';
import {
  PREVIEW_ENVIRONMENT,
  REVIEWED_PUBLIC_ROUTES,
  routePoliciesOf,
} from '@caredispatch/testing';

import { AppModule } from './app.module';
import { loadEhrGatewayConfig } from './config';

describe('ehr-gateway route policies', () => {
  it('should declare a policy on every route and keep public routes to the reviewed list', async () => {
    const config = loadEhrGatewayConfig({
      ...PREVIEW_ENVIRONMENT,
      ...{
        EHR_WEBHOOK_SECRETS: JSON.stringify({
          acme: `whsec_${Buffer.alloc(32, 1).toString('base64')}`,
        }),
      },
    });

    const sut = await routePoliciesOf(AppModule.forRoot(config));

    expect(routesWithoutPolicy(sut).map((entry) => entry.route)).toEqual([]);
    expect(
      sut.filter((entry) => entry.policy?.kind === 'public').map((entry) => entry.route),
    ).toEqual(REVIEWED_PUBLIC_ROUTES['ehr-gateway']);
  });
});
