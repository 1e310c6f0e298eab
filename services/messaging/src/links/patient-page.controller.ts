import {
  Body,
  Controller,
  Get,
  Headers,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { type Request, type Response } from 'express';

import { PublicRoute } from '@caredispatch/auth';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';

import { FixedWindowRateLimiter } from './link-rate-limiter';
import { pageLanguage, type PageLanguageRequest, resolvePageLanguage } from './page/page-language';
import { PAGE_CSP } from './page/patient-page.css';
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
import { AnswerKind, FINAL_ANSWERS, parseCancelReason } from './patient-answer';
import {
  type ActionOutcome,
  type LinkAction,
  type LinkPage,
  PatientLinksService,
} from './patient-links.service';

const PUBLIC_REASON =
  'Patient link page: the 128-bit link token is the credential (stored as an HMAC digest, bound to one appointment revision, expiring at the visit); GET never changes anything; POSTs need a form MAC bound to the link; rate-limited per IP and per link; every unknown, expired or revoked token gets one neutral page';

const WINDOW_MS = 60_000;
const MAX_SLOT_ID_CHARS = 200;

type PageStep = 'home' | 'cancel' | 'reschedule';

/**
 * The patient page behind `{LINK_BASE_URL}/a/{token}`: server-rendered HTML, no script.
 * Opening it (or a scanner prefetching it) never changes anything; answers are POSTs from its
 * buttons, each followed by a redirect to the page (POST/redirect/GET: a refresh re-sends
 * nothing).
 */
@Controller('a')
@PublicRoute(PUBLIC_REASON)
export class PatientPageController {
  private readonly perIp: FixedWindowRateLimiter;
  private readonly perLink: FixedWindowRateLimiter;

  constructor(
    private readonly links: PatientLinksService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) config: MessagingConfig,
  ) {
    this.perIp = new FixedWindowRateLimiter(config.LINK_RATE_LIMIT_PER_IP_PER_MINUTE, WINDOW_MS);
    this.perLink = new FixedWindowRateLimiter(
      config.LINK_RATE_LIMIT_PER_LINK_PER_MINUTE,
      WINDOW_MS,
    );
  }

  @Get(':token')
  async show(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    write(res, await this.view(token, pageLanguage(lang, acceptLanguage), 'home', req));
  }

  @Get(':token/cancel')
  async cancelStep(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    write(res, await this.view(token, pageLanguage(lang, acceptLanguage), 'cancel', req));
  }

  @Get(':token/reschedule')
  async rescheduleStep(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    write(res, await this.view(token, pageLanguage(lang, acceptLanguage), 'reschedule', req));
  }

  @Post(':token/confirm')
  async confirm(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const parse = (): LinkAction => ({ kind: AnswerKind.Confirmed });
    write(res, await this.act(token, pageLanguage(lang, acceptLanguage), body, req, parse));
  }

  @Post(':token/cancel')
  async cancel(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const parse = (form: FormFields): LinkAction | undefined => {
      const reason = parseCancelReason(form['reason']);
      return reason === 'invalid' ? undefined : { kind: AnswerKind.Cancelled, reason };
    };
    write(res, await this.act(token, pageLanguage(lang, acceptLanguage), body, req, parse));
  }

  @Post(':token/reschedule')
  async reschedule(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const parse = (form: FormFields): LinkAction | undefined => {
      const slotId = form['slot'];
      return typeof slotId === 'string' && slotId.length > 0 && slotId.length <= MAX_SLOT_ID_CHARS
        ? { kind: AnswerKind.Rescheduled, slotId }
        : undefined;
    };
    write(res, await this.act(token, pageLanguage(lang, acceptLanguage), body, req, parse));
  }

  @Post(':token/call-me')
  async callMe(
    @Param('token') token: string,
    @Query('lang') lang: unknown,
    @Headers('accept-language') acceptLanguage: string | undefined,
    @Body() body: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const parse = (): LinkAction => ({ kind: AnswerKind.RescheduleRequested });
    write(res, await this.act(token, pageLanguage(lang, acceptLanguage), body, req, parse));
  }

  private async view(
    token: string,
    lang: PageLanguageRequest,
    step: PageStep,
    req: Request,
  ): Promise<Reply> {
    if (!this.admit(token, req)) {
      return { status: 429, html: renderTooManyRequestsPage(resolvePageLanguage(lang)) };
    }
    const page = await this.links.page(token);
    return this.render(token, lang, step, page, 200, false);
  }

  private async act(
    token: string,
    lang: PageLanguageRequest,
    body: unknown,
    req: Request,
    parse: (form: FormFields) => LinkAction | undefined,
  ): Promise<Reply> {
    if (!this.admit(token, req)) {
      return { status: 429, html: renderTooManyRequestsPage(resolvePageLanguage(lang)) };
    }
    const form = isRecord(body) ? body : {};
    const action = parse(form);
    const outcome: ActionOutcome = action
      ? await this.links.answer(token, form['form'], action)
      : // A form this page never renders: answer like a bad anti-forgery value, change nothing.
        await this.rejectUnlessNeutral(token);
    switch (outcome.outcome) {
      case 'answered':
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
    const now = this.clock.now().getTime();
    // Both windows count every request, so a flood on one key cannot hide behind the other.
    const ipAllowed = this.perIp.take(req.ip ?? 'unknown', now);
    const linkAllowed = this.perLink.take(token.slice(0, 64), now);
    return ipAllowed && linkAllowed;
  }
}

interface Reply {
  readonly status: number;
  readonly html: string;
  readonly location?: string;
}

type FormFields = Readonly<Record<string, unknown>>;

function write(res: Response, reply: Reply): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', PAGE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  if (reply.location !== undefined) res.setHeader('Location', reply.location);
  res.status(reply.status).send(reply.html);
}

function isRecord(value: unknown): value is FormFields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
