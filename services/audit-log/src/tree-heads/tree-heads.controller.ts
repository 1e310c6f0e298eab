import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';

import { Authorize, CurrentPrincipal, type Principal, RoleGroups } from '@caredispatch/auth';

import {
  type PublicKeyJson,
  publicKeyToJson,
  type SignedTreeHeadJson,
  signedTreeHeadToJson,
  type TreeHeadKeyRing,
} from '../audit-chain/tree-head';
import {
  ConsistencyProofDto,
  InclusionProofDto,
  PublicKeyDto,
  SignedTreeHeadDto,
} from '../audit-events/dto/audit-log.responses';
import { parseQuery } from '../audit-events/dto/audit-query.dto';

import { TREE_HEAD_KEY_RING, TreeHeadService } from './tree-head.service';

const size = (name: string) =>
  z.coerce
    .number({ invalid_type_error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .nonnegative(`${name} must not be negative`);

const headQuerySchema = z.object({ treeSize: size('treeSize').optional() });
const consistencyQuerySchema = z.object({ first: size('first'), second: size('second') });
const inclusionQuerySchema = z.object({
  treeSize: size('treeSize').positive('treeSize must be positive'),
});

export interface ConsistencyProofResponse {
  first: number;
  second: number;
  /** Hex SHA-256 hashes, RFC 9162 §2.1.4 order. */
  proof: string[];
}

export interface InclusionProofResponse {
  eventId: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  proof: string[];
}

/** Signed tree heads of the caller's tenant and the proofs that tie events and heads together. */
@Controller('v1/audit')
@Authorize({ roles: [...RoleGroups.auditReaders] })
export class TreeHeadsController {
  constructor(
    private readonly treeHeads: TreeHeadService,
    @Inject(TREE_HEAD_KEY_RING) private readonly keyRing: TreeHeadKeyRing,
  ) {}

  /** The newest stored head, or the newest of `treeSize`. */
  @Get('tree-heads')
  @ApiOkResponse({ type: SignedTreeHeadDto })
  async head(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<SignedTreeHeadJson> {
    const { treeSize } = parseQuery(headQuerySchema, query);
    return signedTreeHeadToJson(await this.treeHeads.storedHead(principal.tenantId, treeSize));
  }

  /** Signs and anchors a head over the log as it is now (the scheduled run, on demand). */
  @Post('tree-heads')
  @HttpCode(200)
  @ApiOkResponse({ type: SignedTreeHeadDto })
  async sign(@CurrentPrincipal() principal: Principal): Promise<SignedTreeHeadJson> {
    return signedTreeHeadToJson(await this.treeHeads.signLatest(principal.tenantId));
  }

  @Get('tree-heads/consistency')
  @ApiOkResponse({ type: ConsistencyProofDto })
  async consistency(
    @CurrentPrincipal() principal: Principal,
    @Query() query: unknown,
  ): Promise<ConsistencyProofResponse> {
    const { first, second } = parseQuery(consistencyQuerySchema, query);
    const proof = await this.treeHeads.consistencyProof(principal.tenantId, first, second);
    return { first, second, proof: proof.map((hash) => hash.toString('hex')) };
  }

  @Get('events/:eventId/inclusion')
  @ApiOkResponse({ type: InclusionProofDto })
  async inclusion(
    @CurrentPrincipal() principal: Principal,
    @Param('eventId') eventId: string,
    @Query() query: unknown,
  ): Promise<InclusionProofResponse> {
    const { treeSize } = parseQuery(inclusionQuerySchema, query);
    const found = await this.treeHeads.inclusionProof(principal.tenantId, eventId, treeSize);
    return {
      eventId,
      leafIndex: found.leafIndex,
      treeSize: found.treeSize,
      leafHash: found.leafHash.toString('hex'),
      proof: found.proof.map((hash) => hash.toString('hex')),
    };
  }

  /** Every key that ever signed a head (newest last): what the offline verifier trusts. */
  @Get('tree-head-keys')
  @ApiOkResponse({ type: [PublicKeyDto] })
  keys(): PublicKeyJson[] {
    return this.keyRing.publicKeyEntries().map(publicKeyToJson);
  }
}
