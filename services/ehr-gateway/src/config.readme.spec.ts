import { readmeConfigurationDrift } from '@caredispatch/testing';

import { ehrGatewayConfigSchema } from './config';

describe('README configuration table', () => {
  it('should list exactly the variables ehr-gateway reads', () => {
    const sut = readmeConfigurationDrift('ehr-gateway', ehrGatewayConfigSchema);

    expect(sut).toEqual({ missingFromReadme: [], notReadByService: [] });
  });
});
