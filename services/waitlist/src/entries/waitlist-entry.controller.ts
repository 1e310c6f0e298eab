import { Body, Controller, Delete, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '@nestjs/swagger';
import { type Response } from 'express';
import { z } from 'zod';

import { Authorize, CurrentPrincipal, type Principal, Role } from '@caredispatch/auth';

import { parseRequest, tenantOf } from '../http/parse-request';
import { AddedWaitlistEntryDto, WaitlistEntryDto } from '../http/waitlist.responses';
import { entryNotFound } from '../waitlist.errors';

import { waitlistEntryBodySchema } from './dto/waitlist-entry.schemas';
import { type EntryView, WaitlistEntryService } from './waitlist-entry.service';

const ENTRY_ID = z.string().uuid('must be a UUID');
const listQuerySchema = z
  .object({ status: z.enum(['open', 'booked', 'withdrawn', 'expired']).default('open') })
  .strict();

/** Staff keep the waitlist: add (or merge), list, read and withdraw entries. */
@Controller('v1/tenants/:tenantId/waitlist/entries')
@Authorize({ roles: [Role.PracticeAdmin, Role.Coordinator, Role.FrontDesk] })
export class WaitlistEntryController {
  constructor(private readonly entries: WaitlistEntryService) {}

  /** 201 with a new entry; 200 when merged into the patient's open entry for the same type. */
  @Post()
  @ApiCreatedResponse({ type: AddedWaitlistEntryDto })
  @ApiOkResponse({
    type: AddedWaitlistEntryDto,
    description: "Merged into the patient's open entry",
  })
  async add(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) response: Response,
  ): Promise<EntryView & { merged: boolean }> {
    const tenant = tenantOf(principal, tenantId, entryNotFound);
    const { entry, merged } = await this.entries.addOrMerge(
      tenant,
      parseRequest(waitlistEntryBodySchema, body),
    );
    response.status(merged ? 200 : 201);
    return { ...entry, merged };
  }

  @Get()
  @ApiOkResponse({ type: [WaitlistEntryDto] })
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Query() query: unknown,
  ): Promise<EntryView[]> {
    const { status } = parseRequest(listQuerySchema, query, 'query');
    return this.entries.list(tenantOf(principal, tenantId, entryNotFound), status);
  }

  @Get(':entryId')
  @ApiOkResponse({ type: WaitlistEntryDto })
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('entryId') entryId: string,
  ): Promise<EntryView> {
    const tenant = tenantOf(principal, tenantId, entryNotFound);
    if (!ENTRY_ID.safeParse(entryId).success) throw entryNotFound();
    return this.entries.get(tenant, entryId);
  }

  @Delete(':entryId')
  @ApiOkResponse({ type: WaitlistEntryDto })
  withdraw(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('entryId') entryId: string,
  ): Promise<EntryView> {
    const tenant = tenantOf(principal, tenantId, entryNotFound);
    if (!ENTRY_ID.safeParse(entryId).success) throw entryNotFound();
    return this.entries.withdraw(tenant, entryId);
  }
}
