import { readmeConfigurationDrift } from '@caredispatch/testing';

import { schedulingConfigSchema } from './config';

describe('README configuration table', () => {
  it('should list exactly the variables scheduling reads', () => {
    const sut = readmeConfigurationDrift('scheduling', schedulingConfigSchema);

    expect(sut).toEqual({ missingFromReadme: [], notReadByService: [] });
  });
});
