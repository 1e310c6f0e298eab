import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';

import { type RankingExplanation } from '../ranking/waitlist-ranking';
import { slotNotFound } from '../waitlist.errors';

import { FreedSlotEntity } from './freed-slot.entity';
import { WaitlistOfferEntity } from './waitlist-offer.entity';

export interface SlotView {
  readonly id: string;
  readonly status: FreedSlotEntity['status'];
  readonly start: string;
  readonly end: string;
  readonly appointmentTypeCode: string;
  readonly providerId: string;
  readonly locationId: string;
  readonly waves: number;
  readonly escalationReason: string | null;
  readonly filledEntryId: string | null;
  readonly offers: readonly {
    readonly id: string;
    readonly entryId: string;
    readonly patientId: string;
    readonly wave: number;
    readonly rank: number;
    readonly status: WaitlistOfferEntity['status'];
    readonly holdUntil: string;
    readonly why: RankingExplanation;
  }[];
}

@Injectable()
export class FreedSlotQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async get(tenantId: string, slotId: string): Promise<SlotView> {
    const { slot, offers } = await inTenantTransaction(
      this.dataSource,
      tenantId,
      async (manager) => ({
        slot: await manager.findOne(FreedSlotEntity, { where: { tenantId, id: slotId } }),
        offers: await manager.find(WaitlistOfferEntity, {
          where: { tenantId, slotId },
          order: { wave: 'ASC', rank: 'ASC' },
        }),
      }),
    );
    if (slot === null) throw slotNotFound();
    return {
      id: slot.id,
      status: slot.status,
      start: slot.startAt.toISOString(),
      end: slot.endAt.toISOString(),
      appointmentTypeCode: slot.appointmentTypeCode,
      providerId: slot.providerId,
      locationId: slot.locationId,
      waves: slot.wave,
      escalationReason: slot.escalationReason,
      filledEntryId: slot.filledEntryId,
      offers: offers.map((offer) => ({
        id: offer.id,
        entryId: offer.entryId,
        patientId: offer.patientId,
        wave: offer.wave,
        rank: offer.rank,
        status: offer.status,
        holdUntil: offer.holdUntil.toISOString(),
        why: offer.explanation,
      })),
    };
  }
}
