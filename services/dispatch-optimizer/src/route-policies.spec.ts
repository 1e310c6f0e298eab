import { Role, routesWithoutPolicy } from '@caredispatch/auth';
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

  it('should let only practice admins map, start and read roster imports from the EHR', async () => {
    const config = loadDispatchOptimizerConfig({ ...PREVIEW_ENVIRONMENT });

    const sut = (await routePoliciesOf(AppModule.forRoot(config))).filter((entry) =>
      /roster-import/.test(entry.route),
    );

    expect(sut.map((entry) => entry.route).sort()).toEqual([
      'GET /v1/tenants/:tenantId/roster-import-mapping',
      'GET /v1/tenants/:tenantId/roster-imports/:importId',
      'POST /v1/tenants/:tenantId/roster-imports',
      'PUT /v1/tenants/:tenantId/roster-import-mapping',
    ]);
    for (const entry of sut)
      expect(entry.policy).toEqual({
        kind: 'authenticated',
        roles: [Role.PracticeAdmin],
        scopes: [],
      });
  });
});
