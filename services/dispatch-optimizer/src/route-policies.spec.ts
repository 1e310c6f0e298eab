import { routesWithoutPolicy } from '@caredispatch/auth';
import {
  PREVIEW_ENVIRONMENT,
  REVIEWED_PUBLIC_ROUTES,
  routePoliciesOf,
} from '@caredispatch/testing';

import { AppModule } from './app.module';
import { loadDispatchOptimizerConfig } from './config';

describe('dispatch-optimizer route policies', () => {
  it('should declare a policy on every route and keep public routes to the reviewed list', async () => {
    const config = loadDispatchOptimizerConfig({ ...PREVIEW_ENVIRONMENT, ...{} });

    const sut = await routePoliciesOf(AppModule.forRoot(config));

    expect(routesWithoutPolicy(sut).map((entry) => entry.route)).toEqual([]);
    expect(
      sut.filter((entry) => entry.policy?.kind === 'public').map((entry) => entry.route),
    ).toEqual(REVIEWED_PUBLIC_ROUTES['dispatch-optimizer']);
  });
});
