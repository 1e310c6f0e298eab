import { createHash, timingSafeEqual } from 'node:crypto';

import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type Request } from 'express';

import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type AuditLogConfig } from '../config';

import { AuditError, AuditErrorCode } from './audit-events.errors';

/**
 * Bearer-token check for the audit API, a stand-in until real authorization exists.
 * Both sides are hashed first so the constant-time compare also hides the token's length.
 */
@Injectable()
export class AuditTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(SERVICE_CONFIG) config: AuditLogConfig) {
    this.expected = digest(config.AUDIT_API_TOKEN.reveal());
  }

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer (\S+)$/i.exec(header.trim());
    if (!match || !timingSafeEqual(digest(match[1]), this.expected)) {
      throw new AuditError(AuditErrorCode.Unauthorized, 'A valid bearer token is required');
    }
    return true;
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
