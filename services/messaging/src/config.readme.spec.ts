import { readmeConfigurationDrift } from '@caredispatch/testing';

import { messagingConfigSchema } from './config';

describe('README configuration table', () => {
  it('should list exactly the variables messaging reads', () => {
    const sut = readmeConfigurationDrift('messaging', messagingConfigSchema);

    expect(sut).toEqual({ missingFromReadme: [], notReadByService: [] });
  });
});
