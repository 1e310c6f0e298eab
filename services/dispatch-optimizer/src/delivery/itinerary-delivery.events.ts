import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import { ItineraryChannel as ContractChannel } from '@caredispatch/contracts';
import { OutboxWriter, scopeTransactionToTenant } from '@caredispatch/kafka';

import { type ItineraryChannelKind } from '../roster/roster.model';

import { type ClaimedDelivery } from './itinerary-delivery.repository';

const CONTRACT_CHANNEL: Record<ItineraryChannelKind, ContractChannel> = {
  slack: ContractChannel.SLACK,
  sms: ContractChannel.SMS,
  email: ContractChannel.EMAIL,
};

/**
 * Stages `dispatch.itinerary.v1` events in the caller's transaction, so every delivery outcome
 * reaches the audit log exactly when it is recorded. Keyed by delivery id; ids only.
 */
@Injectable()
export class ItineraryDeliveryEvents {
  constructor(private readonly outbox: OutboxWriter) {}

  async delivered(
    manager: EntityManager,
    claim: ClaimedDelivery,
    channel: ItineraryChannelKind,
  ): Promise<void> {
    // dispatch's own tables are not under row-level security yet; the outbox is, and a plan
    // or delivery transaction may come from a cross-tenant loop: scope it to the event's tenant.
    await scopeTransactionToTenant(manager, claim.tenantId);
    await this.outbox.append(manager, {
      type: 'ItineraryDeliveredV1',
      tenantId: claim.tenantId,
      aggregateId: claim.id,
      payload: { ...this.fields(claim), channel: CONTRACT_CHANNEL[channel] },
    });
  }

  async failed(manager: EntityManager, claim: ClaimedDelivery, errorCode: string): Promise<void> {
    await scopeTransactionToTenant(manager, claim.tenantId);
    await this.outbox.append(manager, {
      type: 'ItineraryDeliveryFailedV1',
      tenantId: claim.tenantId,
      aggregateId: claim.id,
      payload: { ...this.fields(claim), channel: CONTRACT_CHANNEL[claim.channel], errorCode },
    });
  }

  private fields(claim: ClaimedDelivery) {
    return {
      deliveryId: claim.id,
      planId: claim.planId,
      planVersion: claim.planVersion,
      providerId: claim.providerId,
      days: [...claim.days],
      revised: claim.revised,
      attempts: claim.attempts,
    };
  }
}
