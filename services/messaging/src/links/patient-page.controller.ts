import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { type Request, type Response } from 'express';

import { PublicRoute } from '@caredispatch/auth';
import { CLOCK, type Clock, LinkPageAdmission, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';

import { type PageRoute } from './link-opened';
import { pageLanguage, type PageLanguageRequest, resolvePageLanguage } from './page/page-language';
import { type Reply, write } from './page/page-response';
import {
  pagePath,
  renderCancelStep,
  renderChangedPage,
  renderFormExpiredPage,
  renderNeutralPage,
  renderOpenPage,
  renderReschedulePage,
  renderTooManyRequestsPage,
} from './page/patient-page.render';
import { formFieldsOf, PAGE_ACTIONS, type PageAction } from './page-form';
import { FINAL_ANSWERS } from './patient-answer';
import { type ActionOutcome, type LinkPage, PatientLinksService } from './patient-links.service';

const PUBLIC_REASON =
  'Patient link page: the 128-bit link token is the credential (stored as an HMAC digest, bound to one appointment revision, expiring at the visit); GET never changes anything; POSTs need a form MAC bound to the link; rate-limited per IP and per link; every unknown, expired or revoked token gets one neutral page';

type PageStep = 'home' | 'cancel' | 'reschedule';

/** How the audit trail names the GET of each step. */
const STEP_ROUTES: Readonly<Record<PageStep, PageRoute>> = {
  home: 'GET /a/:token',
  cancel: 'GET /a/:token/cancel',
  reschedule: 'GET /a/:token/reschedule',
};

/**
 * The patient page behind `{LINK_BASE_URL}/a/{token}`: server-rendered HTML, no script.
 * Opening it (or a scanner prefetching it) never changes anything; answers are POSTs from its
 * buttons, each followed by a redirect to the page (POST/redirect/GET: a refresh re-sends
 * nothing).
 */
@Controller('a')
@PublicRoute(PUBLIC_REASON)
export class PatientPageController {
  private readonly admission: LinkPageAdmission;

  constructor(
    private readonly links: PatientLinksService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) config: MessagingConfig,
  ) {
    this.admission = new LinkPageAdmission({
      perIpPerMinute: config.LINK_RATE_LIMIT_PER_IP_PER_MINUTE,
      perLinkPerMinute: config.LINK_RATE_LIMIT_PER_LINK_PER_MINUTE,
    });
  }

  @Get(':token')
  show(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.showStep('home', token, req, res);
  }

  @Get(':token/cancel')
  cancelStep(
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.showStep('cancel', token, req, res);
  }

  @Get(':token/reschedule')
  rescheduleStep(
    @Param('token') token: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.showStep('reschedule', token, req, res);
  }

  @Post(':token/confirm')
  confirm(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.answer('confirm', token, body, req, res);
  }

  @Post(':token/cancel')
  cancel(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.answer('cancel', token, body, req, res);
  }

  @Post(':token/reschedule')
  reschedule(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.answer('reschedule', token, body, req, res);
  }

  @Post(':token/call-me')
  callMe(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.answer('call-me', token, body, req, res);
  }

  /**
   * "Ask for an earlier time": the patient keeps the visit and goes on the waitlist for its
   * type. Redirects to the page, which says so; a second press says they are already on it.
   */
  @Post(':token/earlier')
  earlier(
    @Param('token') token: string,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.answer('earlier', token, body, req, res);
  }

  /** Every GET: rate limits, then the step for the token (a read, recorded as one). */
  private async showStep(
    step: PageStep,
    token: string,
    req: Request,
    res: Response,
  ): Promise<void> {
    const lang = languageOf(req);
    if (!this.admit(token, req)) {
      write(res, tooManyRequests(lang));
      return;
    }
    const page = await this.links.open(token, STEP_ROUTES[step]);
    write(res, await this.render(token, lang, step, page, 200, false));
  }

  /** Every POST: rate limits, the form read as its action, the answer, then what to show. */
  private async answer(
    action: PageAction,
    token: string,
    body: unknown,
    req: Request,
    res: Response,
  ): Promise<void> {
    const lang = languageOf(req);
    if (!this.admit(token, req)) {
      write(res, tooManyRequests(lang));
      return;
    }
    const form = formFieldsOf(body);
    const linkAction = PAGE_ACTIONS[action](form);
    const outcome: ActionOutcome = linkAction
      ? await this.links.answer(token, form['form'], linkAction)
      : // A form this page never renders: answer like a bad anti-forgery value, change nothing.
        await this.rejectUnlessNeutral(token);
    write(res, await this.replyTo(outcome, token, lang, action));
  }

  private async replyTo(
    outcome: ActionOutcome,
    token: string,
    lang: PageLanguageRequest,
    action: PageAction,
  ): Promise<Reply> {
    switch (outcome.outcome) {
      case 'answered':
        // A repeated earlier-time request is told so at once; it changed nothing, so a
        // refresh of this answer re-sends nothing that counts.
        if (action === 'earlier' && !outcome.newAnswer) {
          return this.render(token, lang, 'home', await this.links.page(token), 200, false, true);
        }
        return { status: 303, html: '', location: pagePath(token, resolvePageLanguage(lang)) };
      case 'form_rejected':
        return { status: 403, html: renderFormExpiredPage(resolvePageLanguage(lang), token) };
      case 'slot_unavailable':
        return this.render(token, lang, 'reschedule', await this.links.page(token), 409, true);
      case 'page':
        return this.render(token, lang, 'home', outcome.page, 200, false);
    }
  }

  /** A malformed form for a bad token still gets the neutral page, never a hint. */
  private async rejectUnlessNeutral(token: string): Promise<ActionOutcome> {
    const page = await this.links.page(token);
    return page.view === 'open' ? { outcome: 'form_rejected' } : { outcome: 'page', page };
  }

  private async render(
    token: string,
    request: PageLanguageRequest,
    step: PageStep,
    page: LinkPage,
    status: number,
    slotTaken: boolean,
    earlierAlreadyRequested = false,
  ): Promise<Reply> {
    switch (page.view) {
      case 'neutral':
        return { status: 404, html: renderNeutralPage(resolvePageLanguage(request)) };
      case 'changed': {
        const lang = resolvePageLanguage(request, page.appointment.patientLanguage);
        return { status: 200, html: renderChangedPage(lang, page.appointment) };
      }
      case 'open': {
        const input = {
          lang: resolvePageLanguage(request, page.appointment.patientLanguage),
          token,
          formToken: this.links.formToken(page),
          appointment: page.appointment,
          answers: page.answers,
          earlierAlreadyRequested,
        };
        const final = page.answers.some((answer) => FINAL_ANSWERS.has(answer.kind));
        if (step === 'cancel' && !final) return { status, html: renderCancelStep(input) };
        if (step === 'reschedule' && !final) {
          const slots = await this.links.offeredSlots(page);
          return { status, html: renderReschedulePage({ ...input, slots, slotTaken }) };
        }
        return { status, html: renderOpenPage(input) };
      }
    }
  }

  private admit(token: string, req: Request): boolean {
    return this.admission.admit(token, req.ip, this.clock.now().getTime());
  }
}

/**
 * What the request says about the page's language (`?lang=`, the browser's Accept-Language);
 * the patient's own preferred language, once the page is loaded, comes between the two.
 */
function languageOf(req: Request): PageLanguageRequest {
  return pageLanguage(req.query['lang'], req.headers['accept-language']);
}

function tooManyRequests(lang: PageLanguageRequest): Reply {
  return { status: 429, html: renderTooManyRequestsPage(resolvePageLanguage(lang)) };
}
