import { createTransport, type Transporter } from 'nodemailer';
import { z } from 'zod';

import { Secret } from '../config/secret';

/** `SMTP_URL`: smtp(s)://user:pass@host:port, a secret (it carries the password). */
export const smtpUrlSchema = z
  .string()
  .url('must be a URL')
  .refine((url) => /^smtps?:\/\//.test(url), { message: 'must be an smtp:// or smtps:// URL' })
  .optional()
  .transform((value) => (value === undefined ? undefined : new Secret(value)));

/** A nodemailer transport for an smtp:// (STARTTLS when offered) or smtps:// (implicit TLS) URL. */
export function createSmtpTransport(url: Secret, timeoutMs: number): Transporter {
  const smtp = new URL(url.reveal());
  return createTransport({
    host: smtp.hostname,
    port: Number(smtp.port || (smtp.protocol === 'smtps:' ? 465 : 587)),
    secure: smtp.protocol === 'smtps:',
    ...(smtp.username
      ? {
          auth: {
            user: decodeURIComponent(smtp.username),
            pass: decodeURIComponent(smtp.password),
          },
        }
      : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
}

/**
 * What a failed SMTP submission means, in the three kinds every delivery port names:
 * `rejected` (the server refused this message for good: 5xx), `not_accepted` (it certainly does
 * not have it: 4xx, or no connection was made) and `outcome_unknown` (the connection broke
 * somewhere after it was made; the server may have queued the message).
 */
export type SmtpFailureKind = 'rejected' | 'not_accepted' | 'outcome_unknown';

/** Connection failures that certainly did not hand the message over. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNECTION', 'EDNS']);

export function classifySmtpFailure(error: unknown): { kind: SmtpFailureKind; code: string } {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: string;
    responseCode?: number;
  };
  if (typeof e.responseCode === 'number') {
    return {
      kind: e.responseCode >= 500 ? 'rejected' : 'not_accepted',
      code: `smtp:${e.responseCode}`,
    };
  }
  if (e.code && NOT_CONNECTED.has(e.code)) return { kind: 'not_accepted', code: `smtp:${e.code}` };
  return { kind: 'outcome_unknown', code: `smtp:${e.code ?? 'unexpected'}` };
}
