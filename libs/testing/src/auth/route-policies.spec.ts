import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { serviceNames } from '../config/readme-configuration';

import { REVIEWED_PUBLIC_ROUTES } from './route-policies';

describe('route policy coverage', () => {
  it('should have a reviewed public list and a route-policies spec for every service', () => {
    const services = serviceNames();
    const repoRoot = resolve(__dirname, '../../../..');

    expect(Object.keys(REVIEWED_PUBLIC_ROUTES).sort()).toEqual(services);
    for (const service of services) {
      expect(existsSync(join(repoRoot, 'services', service, 'src', 'route-policies.spec.ts'))).toBe(
        true,
      );
    }
  });
});
