/**
 * SMTP stand-in: a real SMTP server on loopback (the `smtp-server` package) that parses what it
 * receives with `mailparser` and records it, so production code talks to it through nodemailer
 * exactly as it would to a live relay.
 *
 * In-process API (SmtpStandIn): start() → { host, port }, stop(), messages(), waitForMessages(),
 * rejectNext(), reset(). Authentication is optional and accepts any credentials given in the
 * options (`auth`); TLS is off (loopback only).
 */
import { EventEmitter } from 'node:events';
import { type AddressInfo } from 'node:net';

import { type AddressObject, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One message the stand-in accepted, i.e. one the recipient would have received. */
export interface ReceivedEmail {
  /** SMTP envelope: MAIL FROM and RCPT TO, which may differ from the headers. */
  readonly envelopeFrom: string | null;
  readonly envelopeTo: readonly string[];
  readonly from: string | null;
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  /** The HTML part, or null for a plain-text-only message. */
  readonly html: string | null;
  /** Header names lower-cased, values as raw text (e.g. `list-unsubscribe`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly messageId: string | null;
  readonly receivedAt: Date;
}

export interface SmtpStandInOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** When set, clients must log in with exactly these credentials. */
  readonly auth?: { readonly user: string; readonly pass: string };
}

/** SMTP reply a rejected DATA command gets: 4xx is transient (the client retries), 5xx permanent. */
export interface SmtpRejection {
  readonly responseCode: number;
  readonly message?: string;
}

export class SmtpStandIn {
  private server: SMTPServer | undefined;
  private readonly received: ReceivedEmail[] = [];
  private readonly rejections: SmtpRejection[] = [];
  private readonly changes = new EventEmitter();

  constructor(private readonly options: SmtpStandInOptions = {}) {
    this.changes.setMaxListeners(0);
  }

  async start(): Promise<{ host: string; port: number }> {
    if (this.server) throw new Error('SMTP stand-in already started');
    const auth = this.options.auth;
    const server = new SMTPServer({
      secure: false,
      disabledCommands: auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
      authOptional: !auth,
      allowInsecureAuth: true,
      logger: false,
      onAuth: (credentials, _session, callback) => {
        if (auth && credentials.username === auth.user && credentials.password === auth.pass) {
          callback(null, { user: credentials.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => {
            callback();
          },
          (error: unknown) => {
            callback(error instanceof Error ? error : new Error(String(error)));
          },
        );
      },
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        resolve();
      });
    });
    return { host: '127.0.0.1', port: this.port };
  }

  get port(): number {
    if (!this.server) throw new Error('SMTP stand-in not started');
    return (this.server.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }

  /** Messages accepted so far, oldest first. */
  messages(): readonly ReceivedEmail[] {
    return [...this.received];
  }

  /** The next `count` DATA commands are refused with `rejection` (nothing is recorded). */
  rejectNext(rejection: SmtpRejection, count = 1): void {
    for (let i = 0; i < count; i++) this.rejections.push(rejection);
  }

  reset(): void {
    this.received.length = 0;
    this.rejections.length = 0;
  }

  /** Resolves once at least `count` messages (optionally only those matching) were accepted. */
  waitForMessages(
    count: number,
    timeoutMs: number,
    matching: (email: ReceivedEmail) => boolean = () => true,
  ): Promise<readonly ReceivedEmail[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.received.filter(matching);
        if (found.length < count) return false;
        clearTimeout(timer);
        this.changes.off('email', onEmail);
        resolve(found);
        return true;
      };
      const onEmail = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.changes.off('email', onEmail);
        reject(
          new Error(
            `SMTP stand-in: ${this.received.filter(matching).length} of ${count} emails after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.changes.on('email', onEmail);
      check();
    });
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const rejection = this.rejections.shift();
    if (rejection) {
      stream.resume();
      await new Promise((resolve) => stream.once('end', resolve));
      throw Object.assign(new Error(rejection.message ?? 'Rejected by the stand-in'), {
        responseCode: rejection.responseCode,
      });
    }
    const parsed = await simpleParser(stream);
    const headers: Record<string, string> = {};
    for (const line of parsed.headerLines) headers[line.key.toLowerCase()] = headerValue(line.line);
    this.received.push({
      envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
      envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      from: parsed.from?.value[0]?.address ?? null,
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : null,
      headers,
      messageId: parsed.messageId ?? null,
      receivedAt: new Date(),
    });
    this.changes.emit('email');
  }
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const objects = Array.isArray(field) ? field : [field];
  return objects.flatMap((object) => object.value.map((entry) => entry.address ?? ''));
}

/** `List-Unsubscribe: <mailto:…>` → `<mailto:…>` (unfolded). */
function headerValue(rawLine: string): string {
  const colon = rawLine.indexOf(':');
  return rawLine
    .slice(colon + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}
