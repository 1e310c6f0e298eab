import { routesWithoutPolicy } from '@caredispatch/auth';
import {
  PREVIEW_ENVIRONMENT,
  REVIEWED_PUBLIC_ROUTES,
  routePoliciesOf,
} from '@caredispatch/testing';

import { AppModule } from './app.module';
import { loadMessagingConfig } from './config';

describe('messaging route policies', () => {
  it('should declare a policy on every route and keep public routes to the reviewed list', async () => {
    const config = loadMessagingConfig({
      ...PREVIEW_ENVIRONMENT,
      ...{
        TWILIO_ACCOUNT_SID: `AC${'0'.repeat(32)}`,
        TWILIO_AUTH_TOKEN: 'preview-token',
        LINK_TOKEN_SECRET: 'preview-link-key-0123456789abcdef0123456789',
        TWILIO_FROM_NUMBER: '+15005550006',
        PUBLIC_BASE_URL: 'https://messaging.example.org/',
        LINK_BASE_URL: 'https://cd.example',
      },
    });

    const sut = await routePoliciesOf(AppModule.forRoot(config));

    expect(routesWithoutPolicy(sut).map((entry) => entry.route)).toEqual([]);
    expect(
      sut.filter((entry) => entry.policy?.kind === 'public').map((entry) => entry.route),
    ).toEqual(REVIEWED_PUBLIC_ROUTES['messaging']);
  });
});
