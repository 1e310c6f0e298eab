import { readmeConfigurationDrift } from '@caredispatch/testing';

import { waitlistConfigSchema } from './config';

describe('README configuration table', () => {
  it('should list exactly the variables waitlist reads', () => {
    const sut = readmeConfigurationDrift('waitlist', waitlistConfigSchema);

    expect(sut).toEqual({ missingFromReadme: [], notReadByService: [] });
  });
});
