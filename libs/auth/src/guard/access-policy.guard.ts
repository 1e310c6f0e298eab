import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorage } from '@nestjs/throttler';
import { type Request, type Response } from 'express';

import { AUTH_SETTINGS } from '../auth.tokens';
import { type AuthSettings } from '../config/auth-config';
import { ROUTE_POLICY, type RoutePolicy } from '../policy/route-policy';
import { attachPrincipal } from '../principal/current-principal.decorator';
import { type Principal } from '../principal/principal';
import {
  AccessTokenRejected,
  AccessTokenVerifier,
  IdentityProviderUnavailable,
} from '../verification/access-token-verifier';

/**
 * The one global guard: reads the route's declared policy, verifies the bearer token,
 * checks roles and scopes, attaches the Principal, then applies the tenant's rate limit.
 * A route without a policy is refused (fail closed); start-up refuses such routes too.
 */
@Injectable()
export class AccessPolicyGuard implements CanActivate {
  private readonly verifier: AccessTokenVerifier;

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_SETTINGS) private readonly settings: AuthSettings,
    @Inject(ThrottlerStorage) private readonly rateLimits: ThrottlerStorage,
  ) {
    this.verifier = new AccessTokenVerifier(settings);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const policy = this.reflector.getAllAndOverride<RoutePolicy | undefined>(ROUTE_POLICY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (policy === undefined) throw new ForbiddenException('Forbidden');
    if (policy.kind === 'public') return true;

    const http = context.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const principal = await this.authenticate(request, response);
    if (!policy.roles.some((role) => principal.roles.includes(role))) {
      throw new ForbiddenException('Forbidden');
    }
    if (!policy.scopes.every((scope) => principal.scopes.includes(scope))) {
      response.setHeader(
        'WWW-Authenticate',
        `Bearer error="insufficient_scope", scope="${policy.scopes.join(' ')}"`,
      );
      throw new ForbiddenException('Forbidden');
    }
    attachPrincipal(request, principal);
    await this.applyTenantRateLimit(principal, response);
    return true;
  }

  private async authenticate(request: Request, response: Response): Promise<Principal> {
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(
      request.headers.authorization?.trim() ?? '',
    );
    if (!match) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      throw new UnauthorizedException('A bearer access token is required');
    }
    try {
      return await this.verifier.verify(match[1]);
    } catch (error) {
      if (error instanceof AccessTokenRejected) {
        // RFC 6750 §3: say the token is invalid, never why (the reason helps an attacker only).
        response.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
        throw new UnauthorizedException('The access token is not valid');
      }
      if (error instanceof IdentityProviderUnavailable) {
        throw new ServiceUnavailableException('The identity provider is unreachable');
      }
      throw error;
    }
  }

  /** One budget per tenant, shared by all its users and clients (per replica). */
  private async applyTenantRateLimit(principal: Principal, response: Response): Promise<void> {
    const { limit, windowMs } = this.settings.rateLimit;
    const record = await this.rateLimits.increment(
      `tenant:${principal.tenantId}`,
      windowMs,
      limit,
      windowMs,
      'tenant',
    );
    if (record.isBlocked) {
      response.setHeader('Retry-After', String(Math.max(1, record.timeToBlockExpire)));
      throw new HttpException('Too many requests for this tenant', HttpStatus.TOO_MANY_REQUESTS);
    }
  }
}
