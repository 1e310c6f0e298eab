import { Controller, Get, Param, Post, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiProduces } from '@nestjs/swagger';
import { type Response } from 'express';

import { PublicRoute } from '@caredispatch/auth';

import { EmailUnsubscribeService, type UnsubscribeOutcome } from './email-unsubscribe.service';

const PUBLIC_REASON =
  'One-click email unsubscribe (RFC 8058): the HMAC-signed, expiring token in the URL is the credential and names one patient of one tenant; GET only shows a button and changes nothing; POST withdraws that patient’s email consent (idempotent); every bad token gets one neutral answer';

const HTML = { type: 'string', description: 'HTML page' } as const;

const CSP = "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * `List-Unsubscribe` target of reminder emails. Mail providers POST
 * `List-Unsubscribe=One-Click` to it (RFC 8058 §3.2) — the body is not required here since the
 * token alone is the credential and a multipart body would not be parsed; a person following
 * the URL gets a page whose button POSTs the same.
 */
@Controller('v1/email/unsubscribe')
@PublicRoute(PUBLIC_REASON)
@ApiProduces('text/html')
@ApiNotFoundResponse({ description: 'A page saying the link is not valid any more', schema: HTML })
export class EmailUnsubscribeController {
  constructor(private readonly unsubscribes: EmailUnsubscribeService) {}

  @Get(':token')
  @ApiOkResponse({ description: 'A page with the one-click unsubscribe button', schema: HTML })
  show(@Param('token') token: string, @Res() res: Response): void {
    if (!this.unsubscribes.isValid(token)) {
      write(res, 404, page('Link not valid', 'This unsubscribe link is not valid any more.'));
      return;
    }
    write(
      res,
      200,
      page(
        'Unsubscribe from reminder emails',
        'Stop appointment reminder emails? / ¿Dejar de recibir recordatorios por correo?',
        `<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">` +
          `<button type="submit">Unsubscribe / Darse de baja</button></form>`,
      ),
    );
  }

  @Post(':token')
  @ApiOkResponse({
    description: 'A page confirming the unsubscribe (also when repeated)',
    schema: HTML,
  })
  async unsubscribe(@Param('token') token: string, @Res() res: Response): Promise<void> {
    const outcome: UnsubscribeOutcome = await this.unsubscribes.unsubscribe(token);
    switch (outcome) {
      case 'unsubscribed':
      case 'already_unsubscribed':
        write(
          res,
          200,
          page(
            'Unsubscribed',
            'You will get no more reminder emails. / Ya no recibirá recordatorios por correo.',
          ),
        );
        return;
      case 'invalid':
        write(res, 404, page('Link not valid', 'This unsubscribe link is not valid any more.'));
        return;
    }
  }
}

function page(title: string, text: string, form = ''): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${title}</title></head><body><h1>${title}</h1><p>${text}</p>${form}</body></html>`
  );
}

function write(res: Response, status: number, html: string): void {
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Robots-Tag', 'noindex, nofollow');
  res.status(status).send(html);
}
