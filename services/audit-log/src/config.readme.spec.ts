import { readmeConfigurationDrift } from '@caredispatch/testing';

import { auditLogConfigSchema } from './config';

describe('README configuration table', () => {
  it('should list exactly the variables audit-log reads', () => {
    const sut = readmeConfigurationDrift('audit-log', auditLogConfigSchema);

    expect(sut).toEqual({ missingFromReadme: [], notReadByService: [] });
  });
});
