import { Inject, Injectable } from '@nestjs/common';

import { ResponseSource } from '@caredispatch/contracts';
import { OutboxWriter } from '@caredispatch/kafka';
import { CLOCK, type Clock } from '@caredispatch/platform';

import { offerLinkOpenedEvent } from '../links/link-opened';
import { LinkPurpose } from '../links/patient-link.entity';
import { type StoredLink } from '../links/patient-link.repository';
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
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * What a GET shows: opening the link (or a scanner prefetching it) changes nothing. A page
   * that shows the offer is recorded as a read of it ("link opened", offerLinkOpenedEvent), in
   * the transaction that read it, as the appointment page records its views; a neutral page
   * shows nothing and records nothing.
   */
  async open(token: string): Promise<OfferPage> {
    const page = await this.links.withLiveLink(
      token,
      LinkPurpose.WaitlistOffer,
      async (manager, link): Promise<OfferPage> => {
        const offer = await manager.findOne(WaitlistOfferTextEntity, {
          where: { tenantId: link.tenantId, offerId: link.appointmentId },
        });
        if (offer === null) return { view: 'neutral' };
        await this.outbox.append(
          manager,
          offerLinkOpenedEvent({
            tenantId: link.tenantId,
            linkId: link.id,
            offerId: offer.offerId,
            patientId: offer.patientId,
            correlationId: link.correlationId,
          }),
        );
        return this.viewOf(offer, link);
      },
    );
    return page ?? { view: 'neutral' };
  }

  private viewOf(offer: WaitlistOfferTextEntity, link: StoredLink): OfferPage {
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
