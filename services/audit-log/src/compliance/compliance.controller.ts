import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { type Request, type Response } from 'express';

import { Authorize, CurrentPrincipal, type Principal, RoleGroups } from '@caredispatch/auth';

import { AuditSearchPageDto } from '../audit-events/dto/audit-log.responses';
import { parseQuery } from '../audit-events/dto/audit-query.dto';

import { type AuditSearchPage, ComplianceQueryService } from './compliance-query.service';
import { auditExportQuerySchema, auditSearchQuerySchema } from './dto/compliance-query.dto';

/** Query and export of the caller's own tenant's audit trail (tenant from the token only). */
@Controller('v1/audit')
@Authorize({ roles: [...RoleGroups.auditReaders] })
export class ComplianceController {
  constructor(private readonly compliance: ComplianceQueryService) {}

  @Get('events')
  @ApiOkResponse({ type: AuditSearchPageDto })
  search(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
    @Req() request: Request,
  ): Promise<AuditSearchPage> {
    const { cursor, limit, ...filter } = parseQuery(auditSearchQuerySchema, query);
    return this.compliance.search(principal, filter, cursor, limit, routeOf(request));
  }

  /**
   * FHIR R4 AuditEvent NDJSON. X-Audit-Tree-Size: the size the proofs refer to;
   * X-Audit-Tree-Head: that signed head (base64 JSON) when the database stores one.
   */
  @Get('exports/fhir')
  @ApiProduces('application/fhir+ndjson')
  @ApiOkResponse({
    description: 'One FHIR R4 AuditEvent per line, each with its Merkle leaf and inclusion proof',
    content: { 'application/fhir+ndjson': { schema: { type: 'string' } } },
    headers: {
      'X-Audit-Tree-Size': {
        description: 'Tree size the proofs refer to',
        schema: { type: 'string' },
      },
      'X-Audit-Tree-Head': {
        description: 'The signed head of that size (base64 JSON) when one is stored',
        schema: { type: 'string' },
      },
    },
  })
  async exportFhir(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { treeSize, ...filter } = parseQuery(auditExportQuerySchema, query);
    const exported = await this.compliance.exportFhir(
      principal,
      filter,
      treeSize,
      routeOf(request),
    );
    response.status(200).type('application/fhir+ndjson');
    response.setHeader('X-Audit-Tree-Size', String(exported.treeSize));
    if (exported.treeHead) {
      const head = Buffer.from(JSON.stringify(exported.treeHead)).toString('base64');
      response.setHeader('X-Audit-Tree-Head', head);
    }
    response.send(exported.resources.map((resource) => `${JSON.stringify(resource)}\n`).join(''));
  }

  @Get('exports/csv')
  @ApiProduces('text/csv')
  @ApiOkResponse({
    description: 'RFC 4180 CSV with a header row',
    content: { 'text/csv': { schema: { type: 'string' } } },
  })
  async exportCsv(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    const { treeSize: _ignored, ...filter } = parseQuery(auditExportQuerySchema, query);
    const csv = await this.compliance.exportCsv(principal, filter, routeOf(request));
    response.status(200).type('text/csv; charset=utf-8; header=present').send(csv);
  }
}

export function routeOf(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return `${request.method} ${typeof path === 'string' ? path : '(unknown)'}`;
}
