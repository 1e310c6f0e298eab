import { randomBytes } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { inJobTransaction, inTenantTransaction, OutboxWriter } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import { type ClaimedDelivery } from '../delivery/itinerary-delivery.repository';
import { ItineraryLinkIssuer } from '../delivery/itinerary-link.port';
import { type ProviderItinerary } from '../itinerary/itinerary';
import { PlanReader } from '../plan/plan-published';
import { type PlanVersion } from '../plan/plan.model';
import { ROSTER_READER } from '../roster/roster-reader.token';
import { type RosterReader } from '../roster/roster.model';
import { DispatchJobs, ITINERARY_LINK_DIGEST_SETTING } from '../tenancy';

import { appointmentIdsOf, currentItinerary } from './current-itinerary';
import {
  digestsEqual,
  isItineraryTokenShaped,
  ITINERARY_PATH_PREFIX,
  itineraryLinkExpiry,
  itineraryLinkKey,
  itineraryLinkToken,
  itineraryTokenDigest,
} from './itinerary-link-token';
import { type ItineraryLink, ItineraryLinkRepository } from './itinerary-link.repository';
import { itineraryOpenedEvent } from './itinerary-opened';

export type ItineraryPage =
  | { readonly view: 'not-found' }
  | {
      readonly view: 'itinerary';
      readonly itinerary: ProviderItinerary;
      /** The days changed after the text was sent; the page shows the current version. */
      readonly changed: boolean;
    };

const NOT_FOUND: ItineraryPage = { view: 'not-found' };

/**
 * The links in SMS itineraries and the page behind them. A link opens one delivery's days for
 * its provider until the midnight after the last of them; it always shows the current version
 * of those days and says when they changed since the text (a newer itinerary supersedes the
 * content, never the link: the provider's old text keeps working for its days).
 */
@Injectable()
export class ItineraryLinks extends ItineraryLinkIssuer {
  private readonly key: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    private readonly links: ItineraryLinkRepository,
    private readonly plans: PlanReader,
    @Inject(ROSTER_READER) private readonly roster: RosterReader,
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
  ) {
    super();
    // Outside production an unset key is one per process (checked in config.ts).
    this.key = itineraryLinkKey(
      config.ITINERARY_LINK_SECRET?.reveal() ?? randomBytes(32).toString('base64url'),
    );
  }

  async linkFor(claim: ClaimedDelivery, plan: PlanVersion): Promise<string> {
    const token = itineraryLinkToken(this.key, claim.id);
    await inTenantTransaction(this.dataSource, claim.tenantId, (manager) =>
      this.links.record(
        manager,
        {
          deliveryId: claim.id,
          tenantId: claim.tenantId,
          tokenDigest: itineraryTokenDigest(this.key, token),
          planId: claim.planId,
          planVersion: claim.planVersion,
          providerId: claim.providerId,
          days: claim.days,
          // A delivery always names its days; the plan's are the bound if one ever did not.
          expiresAt: itineraryLinkExpiry(
            claim.days.length > 0 ? claim.days : plan.horizon.days,
            plan.horizon.timeZone,
          ),
        },
        this.clock.now(),
      ),
    );
    return `${this.config.ITINERARY_LINK_BASE_URL}${ITINERARY_PATH_PREFIX}/${token}`;
  }

  /**
   * The page for a token; opening a valid one is recorded as a read of PHI. Unknown, malformed
   * and expired tokens all do the same work (one digest, one indexed lookup) and get the same
   * answer, so neither tells a guesser whether a token ever existed.
   */
  async open(token: string): Promise<ItineraryPage> {
    const digest = itineraryTokenDigest(this.key, isItineraryTokenShaped(token) ? token : '');
    const link = await this.lookUp(digest);
    if (!isItineraryTokenShaped(token) || !link || !digestsEqual(link.tokenDigest, digest)) {
      return NOT_FOUND;
    }
    if (this.clock.now().getTime() >= link.expiresAt.getTime()) return NOT_FOUND;
    const [sentPlan, provider] = await Promise.all([
      this.plans.version(link.tenantId, link.planId, link.planVersion),
      this.roster.provider(link.tenantId, link.providerId),
    ]);
    if (!sentPlan || !provider) return NOT_FOUND;
    const current = new Map(
      await Promise.all(
        link.days.map(
          async (day) => [day, await this.plans.currentForDay(link.tenantId, day)] as const,
        ),
      ),
    );
    const page = currentItinerary(sentPlan, current, provider, link.days);
    await this.outbox.prepare(link.tenantId);
    await inTenantTransaction(this.dataSource, link.tenantId, (manager) =>
      this.outbox.append(
        manager,
        itineraryOpenedEvent({
          tenantId: link.tenantId,
          deliveryId: link.deliveryId,
          appointmentIds: appointmentIdsOf(page.itinerary),
        }),
      ),
    );
    return { view: 'itinerary', itinerary: page.itinerary, changed: page.changed };
  }

  /** The token names no tenant: the lookup job may read only the row this digest names. */
  private lookUp(digest: Buffer): Promise<ItineraryLink | undefined> {
    return inJobTransaction(this.dataSource, DispatchJobs.ItineraryLink, async (manager) => {
      await manager.query(`SELECT set_config('${ITINERARY_LINK_DIGEST_SETTING}', $1, true)`, [
        digest.toString('hex'),
      ]);
      return this.links.findByDigest(manager, digest);
    });
  }
}
