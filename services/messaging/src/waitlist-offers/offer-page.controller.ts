import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';

import { PublicRoute } from '@caredispatch/auth';
import { CLOCK, type Clock, LinkPageAdmission, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { pageLanguage, resolvePageLanguage } from '../links/page/page-language';
import { write } from '../links/page/page-response';
import {
  renderFormExpiredPage,
  renderNeutralPage,
  renderTooManyRequestsPage,
} from '../links/page/patient-page.render';
import { formFieldsOf } from '../links/page-form';

import { OfferLinksService } from './offer-links.service';
import { offerPagePath, renderOfferPage } from './offer-page.render';

const PUBLIC_REASON =
  "Waitlist offer page: the 128-bit link token is the credential (stored as an HMAC digest, bound to one offer, expiring with the offer's hold); GET never changes anything; the Accept POST needs a form MAC bound to the link; rate-limited per IP and per link; every unknown, expired or foreign token gets one neutral page";

/**
 * `{LINK_BASE_URL}/o/{token}`: a waitlist offer's one-tap page. Server-rendered, no script.
 * Accept is a POST from the page's button, then a redirect to the page (POST/redirect/GET).
 */
@Controller('o')
@PublicRoute(PUBLIC_REASON)
export class OfferPageController {
  private readonly admission: LinkPageAdmission;

  constructor(
    private readonly offers: OfferLinksService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) config: MessagingConfig,
  ) {
    this.admission = new LinkPageAdmission({
      perIpPerMinute: config.LINK_RATE_LIMIT_PER_IP_PER_MINUTE,
      perLinkPerMinute: config.LINK_RATE_LIMIT_PER_LINK_PER_MINUTE,
    });
  }

  @Get(':token')
  async show(
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = resolvePageLanguage(
      pageLanguage(req.query['lang'], req.headers['accept-language']),
    );
    if (!this.admit(token, req)) {
      write(res, { status: 429, html: renderTooManyRequestsPage(lang) });
      return;
    }
    const page = await this.offers.open(token);
    write(
      res,
      page.view === 'neutral'
        ? { status: 404, html: renderNeutralPage(lang) }
        : { status: 200, html: renderOfferPage(lang, token, page) },
    );
  }

  @Post(':token/accept')
  async accept(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const lang = resolvePageLanguage(
      pageLanguage(req.query['lang'], req.headers['accept-language']),
    );
    if (!this.admit(token, req)) {
      write(res, { status: 429, html: renderTooManyRequestsPage(lang) });
      return;
    }
    const answer = await this.offers.accept(token, formFieldsOf(body)['form']);
    switch (answer) {
      case 'answered':
        write(res, { status: 303, html: '', location: offerPagePath(token, lang) });
        return;
      case 'form_rejected':
        write(res, {
          status: 403,
          html: renderFormExpiredPage(lang, token, offerPagePath(token, lang)),
        });
        return;
      case 'neutral':
        write(res, { status: 404, html: renderNeutralPage(lang) });
        return;
    }
  }

  private admit(token: string, req: Request): boolean {
    return this.admission.admit(token, req.ip, this.clock.now().getTime());
  }
}
