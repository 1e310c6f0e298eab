import { NotFoundException } from '@nestjs/common';

import { Role } from '../roles';

import { type Principal } from './principal';
import { requireTenant } from './tenant-access';

const principal: Principal = {
  kind: 'user',
  subject: 'u',
  tenantId: 'tenant-a',
  roles: [Role.Coordinator],
  scopes: [],
};

describe(requireTenant.name, () => {
  it("should return the token's tenant when the path names it", () => {
    expect(requireTenant(principal, 'tenant-a')).toBe('tenant-a');
  });

  it('should answer 404 for another tenant, as for one that does not exist', () => {
    expect(() => requireTenant(principal, 'tenant-b')).toThrow(NotFoundException);
  });
});
