import { Controller, Get, HttpCode, Param, Post, Inject } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { z } from 'zod';

import { Authorize, CurrentPrincipal, type Principal, Role } from '@caredispatch/auth';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { tenantOf } from '../http/parse-request';
import { AcceptOutcomeDto, DeclineOutcomeDto, FreedSlotDto } from '../http/waitlist.responses';
import { offerNotFound, slotNotFound } from '../waitlist.errors';

import { FreedSlotQueryService, type SlotView } from './freed-slot-query.service';
import { type AcceptOutcome, FreedSlotService } from './freed-slot.service';

const UUID = z.string().uuid();

/**
 * A patient's answer to an offer, relayed by an integration (the reply or link handler) or
 * recorded by front-desk staff who took the call. 409 "no longer available" when someone else
 * was first or the hold ran out.
 */
@Controller('v1/tenants/:tenantId/waitlist')
export class WaitlistOfferController {
  constructor(
    private readonly slots: FreedSlotService,
    private readonly query: FreedSlotQueryService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('offers/:offerId/accept')
  @HttpCode(200)
  @ApiOkResponse({ type: AcceptOutcomeDto })
  @Authorize({ roles: [Role.Integration, Role.FrontDesk, Role.Coordinator] })
  async accept(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('offerId') offerId: string,
  ): Promise<{ outcome: AcceptOutcome }> {
    const tenant = tenantOf(principal, tenantId, offerNotFound);
    if (!UUID.safeParse(offerId).success) throw offerNotFound();
    return { outcome: await this.slots.accept(tenant, offerId, this.clock.now()) };
  }

  @Post('offers/:offerId/decline')
  @ApiOkResponse({ type: DeclineOutcomeDto })
  @HttpCode(200)
  @Authorize({ roles: [Role.Integration, Role.FrontDesk, Role.Coordinator] })
  async decline(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('offerId') offerId: string,
  ): Promise<{ outcome: 'declined' }> {
    const tenant = tenantOf(principal, tenantId, offerNotFound);
    if (!UUID.safeParse(offerId).success) throw offerNotFound();
    await this.slots.decline(tenant, offerId, this.clock.now());
    return { outcome: 'declined' };
  }

  /** A freed slot with every offer made for it and why each patient was chosen. */
  @Get('slots/:slotId')
  @ApiOkResponse({ type: FreedSlotDto })
  @Authorize({ roles: [Role.PracticeAdmin, Role.Coordinator, Role.FrontDesk] })
  getSlot(
    @CurrentPrincipal() principal: Principal,
    @Param('tenantId') tenantId: string,
    @Param('slotId') slotId: string,
  ): Promise<SlotView> {
    const tenant = tenantOf(principal, tenantId, slotNotFound);
    if (!UUID.safeParse(slotId).success) throw slotNotFound();
    return this.query.get(tenant, slotId);
  }
}
