import {
  type DynamicModule,
  Injectable,
  Module,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_GUARD, ModulesContainer } from '@nestjs/core';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';

import { AUTH_SETTINGS } from './auth.tokens';
import { type AuthSettings } from './config/auth-config';
import { AccessPolicyGuard } from './guard/access-policy.guard';
import { routeInventory, routesWithoutPolicy } from './policy/route-inventory';

/** Refuses to start an app that has a route nobody declared a policy for. */
@Injectable()
class RoutePolicyCheck implements OnApplicationBootstrap {
  constructor(private readonly modules: ModulesContainer) {}

  onApplicationBootstrap(): void {
    const missing = routesWithoutPolicy(routeInventory(this.modules));
    if (missing.length > 0) {
      throw new Error(
        `routes without @Authorize or @PublicRoute: ${missing.map((entry) => entry.route).join(', ')}`,
      );
    }
  }
}

/**
 * The access-token guard for every route of the app, with per-tenant rate limits in the
 * throttler's storage (in memory per replica; bind ThrottlerStorage to a shared store to
 * make the limit global).
 */
@Module({})
export class AuthModule {
  static forRoot(settings: AuthSettings): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      providers: [
        { provide: AUTH_SETTINGS, useValue: settings },
        { provide: ThrottlerStorage, useClass: ThrottlerStorageService },
        { provide: APP_GUARD, useClass: AccessPolicyGuard },
        RoutePolicyCheck,
      ],
      exports: [AUTH_SETTINGS],
    };
  }
}
