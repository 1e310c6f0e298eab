import { type Response } from 'express';

import { PAGE_CSP } from './patient-page.css';

/** One answer of a page a patient link opens (the appointment's or a waitlist offer's). */
export interface Reply {
  readonly status: number;
  readonly html: string;
  readonly location?: string;
}

/** Never cached, never referred, never framed or indexed; no script runs (the CSP). */
export function write(res: Response, reply: Reply): void {
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
