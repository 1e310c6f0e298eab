import { Controller, Get, HttpCode, HttpStatus, Res } from '@nestjs/common';
import { type Response } from 'express';

import { PublicRoute } from '@caredispatch/auth';

import { ReadinessRegistry } from './readiness-registry';

@Controller('health')
@PublicRoute('liveness and readiness for the orchestrator; no tenant data')
export class HealthController {
  constructor(private readonly readiness: ReadinessRegistry) {}

  @Get('live')
  @HttpCode(HttpStatus.OK)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) response: Response): Promise<object> {
    const result = await this.readiness.evaluate();
    response.status(result.ready ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return {
      status: result.ready ? 'ready' : 'not-ready',
      checks: result.checks,
      ...(Object.keys(result.reasons).length > 0 && { reasons: result.reasons }),
    };
  }
}
