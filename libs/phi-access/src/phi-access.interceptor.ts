import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type Request } from 'express';
import { from, mergeMap, type Observable } from 'rxjs';

import { principalOf } from '@caredispatch/auth';

import { PhiAccessRecorder } from './phi-access.recorder';
import { PHI_ACCESS_POLICY, type PhiAccessPolicy } from './record-phi-access.decorator';

/** Records the PHI a `@RecordPhiAccess` handler returned, then lets the response go. */
@Injectable()
export class PhiAccessInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly recorder: PhiAccessRecorder,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const policy = this.reflector.get<PhiAccessPolicy | undefined>(
      PHI_ACCESS_POLICY,
      context.getHandler(),
    );
    if (!policy) return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const principal = principalOf(request);
    if (!principal) {
      // A PHI route reachable without a principal is a wiring bug, not a request to serve.
      throw new Error('@RecordPhiAccess on a route without @Authorize');
    }
    return next.handle().pipe(
      mergeMap((result: unknown) =>
        from(
          this.recorder
            .record(principal, {
              action: policy.action,
              resourceType: policy.resourceType,
              route: routeTemplate(request),
              ...policy.describe(result, request),
            })
            .then(() => result),
        ),
      ),
    );
  }
}

/** `GET /v1/tenants/:tenantId/...`: the template, never the concrete path with its ids. */
function routeTemplate(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return `${request.method} ${typeof path === 'string' ? path : request.baseUrl}`;
}
