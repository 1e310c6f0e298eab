import { Inject, Injectable } from '@nestjs/common';

import { ResponseSource } from '@caredispatch/contracts';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { LinkPurpose } from '../links/patient-link.entity';
import { PatientLinksService } from '../links/patient-links.service';

import { type OfferPageView } from './offer-page.render';
import { OfferRepliesService } from './offer-replies.service';
import { OfferTextState, WaitlistOfferTextEntity } from './waitlist-offer-text.entity';

/** What the offer page shows: `neutral` for every unknown, expired or foreign token. */
export type OfferPage = OfferPageView | { readonly view: 'neutral' };

export type OfferLinkAnswer = 'answered' | 'form_rejected' | 'neutral';

/**
 * A waitlist offer's accept link: the patient-link machinery (token digests, the tenant
 * lookup, form MACs) with the offer as its subject. Accepting is the YES path exactly
 * (OfferRepliesService.acceptOffer): one PatientAnsweredOfferV1 per offer, and the waitlist's
 * slot lock decides who gets the time.
 */
@Injectable()
export class OfferLinksService {
  constructor(
    private readonly links: PatientLinksService,
    private readonly replies: OfferRepliesService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Reads only: opening the link (or a scanner prefetching it) changes nothing. */
  async page(token: string): Promise<OfferPage> {
    const page = await this.links.withLiveLink(
      token,
      LinkPurpose.WaitlistOffer,
      async (manager, link): Promise<OfferPage> => {
        const offer = await manager.findOne(WaitlistOfferTextEntity, {
          where: { tenantId: link.tenantId, offerId: link.appointmentId },
        });
        if (offer === null) return { view: 'neutral' };
        if (offer.acceptedAt !== null) return { view: 'answered' };
        if (offer.state !== OfferTextState.Open) return { view: 'unavailable' };
        return {
          view: 'open',
          start: offer.slotStart,
          timeZone: offer.timeZone,
          locationName: offer.locationName,
          holdUntil: offer.holdUntil,
          formToken: this.links.formTokenFor(link),
        };
      },
    );
    return page ?? { view: 'neutral' };
  }

  /** The page's Accept button: needs the page's form value; a repeat changes nothing. */
  async accept(token: string, formToken: unknown): Promise<OfferLinkAnswer> {
    const answer = await this.links.withLiveLink(
      token,
      LinkPurpose.WaitlistOffer,
      async (manager, link): Promise<OfferLinkAnswer> => {
        if (!this.links.formTokenValid(link, formToken)) return 'form_rejected';
        await this.replies.acceptOffer(manager, {
          tenantId: link.tenantId,
          offerId: link.appointmentId,
          messageId: link.messageId ?? '',
          correlationId: link.correlationId,
          source: ResponseSource.LINK_PAGE,
          now: this.clock.now(),
        });
        return 'answered';
      },
    );
    return answer ?? 'neutral';
  }
}
