import { Controller, Get, Inject, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type Request, type Response } from 'express';

import { PublicRoute } from '@caredispatch/auth';
import { CLOCK, type Clock, LinkPageAdmission, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchOptimizerConfig } from '../config';
import {
  ITINERARY_PAGE_CSP,
  renderItineraryNotFoundPage,
  renderItineraryPage,
  renderItineraryTooManyRequestsPage,
} from '../itinerary/itinerary-page.renderer';

import { ItineraryLinks } from './itinerary-links.service';

const PUBLIC_REASON =
  "Itinerary page behind SMS itineraries: the 128-bit link token is the credential (derived under a server key, stored as an HMAC digest, bound to one delivery's tenant, provider, plan version and days, expiring at the midnight after its last day); GET only, changes nothing but the audit record; rate-limited per IP and per link; unknown, malformed and expired tokens get one neutral page";

/**
 * `{ITINERARY_LINK_BASE_URL}/itineraries/{token}`: the provider's days as server-rendered
 * HTML, no script. Never cached, indexed, framed or referred; the URL (the token) and the page
 * never reach a log line.
 */
@Controller('itineraries')
@PublicRoute(PUBLIC_REASON)
@ApiExcludeController()
export class ItineraryPageController {
  private readonly admission: LinkPageAdmission;

  constructor(
    private readonly links: ItineraryLinks,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) config: DispatchOptimizerConfig,
  ) {
    this.admission = new LinkPageAdmission({
      perIpPerMinute: config.ITINERARY_PAGE_RATE_LIMIT_PER_IP_PER_MINUTE,
      perLinkPerMinute: config.ITINERARY_PAGE_RATE_LIMIT_PER_LINK_PER_MINUTE,
    });
  }

  @Get(':token')
  async show(
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    if (!this.admission.admit(token, req.ip, this.clock.now().getTime())) {
      write(res, 429, renderItineraryTooManyRequestsPage());
      return;
    }
    const page = await this.links.open(token);
    if (page.view === 'not-found') {
      write(res, 404, renderItineraryNotFoundPage());
      return;
    }
    write(res, 200, renderItineraryPage({ itinerary: page.itinerary, changed: page.changed }));
  }
}

/** Never cached, never referred, never framed or indexed; no script runs (the CSP). */
function write(res: Response, status: number, html: string): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', ITINERARY_PAGE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.status(status).send(html);
}
