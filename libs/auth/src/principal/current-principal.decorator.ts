import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Request } from 'express';

import { type Principal } from './principal';

const PRINCIPAL = Symbol('caredispatch.principal');

type RequestWithPrincipal = Request & { [PRINCIPAL]?: Principal };

export function attachPrincipal(request: Request, principal: Principal): void {
  (request as RequestWithPrincipal)[PRINCIPAL] = principal;
}

/** The verified caller of this request, or undefined on a public route. */
export function principalOf(request: Request): Principal | undefined {
  return (request as RequestWithPrincipal)[PRINCIPAL];
}

/**
 * Injects the verified Principal into a handler of an `@Authorize` route. Used on a public
 * route it is a programming error (there is no caller to speak of) and fails loudly.
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (principal === undefined) {
      throw new Error('@CurrentPrincipal() used on a route without @Authorize');
    }
    return principal;
  },
);
