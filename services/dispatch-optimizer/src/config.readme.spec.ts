import { readmeConfigurationDrift } from '@caredispatch/testing';

import { dispatchOptimizerConfigSchema } from './config';

describe('README configuration table', () => {
  it('should list exactly the variables dispatch-optimizer reads', () => {
    const sut = readmeConfigurationDrift('dispatch-optimizer', dispatchOptimizerConfigSchema);

    expect(sut).toEqual({ missingFromReadme: [], notReadByService: [] });
  });
});
