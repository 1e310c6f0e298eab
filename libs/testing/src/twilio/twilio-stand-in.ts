/**
 * Twilio stand-in: a loopback double of the Messages API for tests, the demo and the fault suite.
 *
 * In-process API (TwilioStandIn): failNext / failFor, timeoutNext / timeoutFor, listLate,
 * holdNextResponses, sendStatusCallback, messages(), requests(), whenHeldRequestsSettled().
 *
 * Control API over HTTP, for a stand-in running as its own process (main.ts). Bodies are JSON;
 * every endpoint answers 200 with a JSON object, or 400 naming the bad field:
 *   GET  /_stand-in/messages              → { messages: [Twilio message resources] } (all, never delayed)
 *   GET  /_stand-in/requests              → { requests: [RecordedTwilioRequest] } (numbers included:
 *                                            the stand-in only ever sees synthetic patients)
 *   POST /_stand-in/reset                 forget messages, requests and every fault below
 *   POST /_stand-in/fail-next   { count=1, httpStatus=500, code=20500, message?, afterAccepting=false }
 *        the next `count` creations answer the error; with afterAccepting the message is
 *        created first (the patient gets it) — "Twilio answered 5xx after acting"
 *   POST /_stand-in/fail-for    { durationMs, httpStatus=500, code=20500, message?, afterAccepting=false }
 *        same, for every creation during the next `durationMs` ("500 for N seconds")
 *   POST /_stand-in/timeout-next { count=1, holdMs, accept=true }
 *   POST /_stand-in/timeout-for  { durationMs, holdMs, accept=true }
 *        the request is held `holdMs` (set it above the client's timeout, so it gives up);
 *        then the message is created if `accept` (the client never hears of it) and the
 *        connection is answered 201 if still open, or dropped without an answer otherwise
 *   POST /_stand-in/list-delay  { delayMs }  from now on a created message shows up in list and
 *        fetch only `delayMs` after its creation (Twilio's list lags); 0 turns it off
 *   POST /_stand-in/messages/<SID>/status { status: sent|delivered|undelivered|failed, errorCode? }
 *        posts a signed StatusCallback to the message's callback URL; answers the receiver's reply
 * Queued faults (…-next) are used before timed ones (…-for); the earliest active window wins.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type TwilioFailure, twilioErrorBody } from './twilio-failures';
import { type CreateFault, TwilioFaultPlan } from './twilio-fault-plan';
import { computeTwilioSignature } from './twilio-signature';

/** Twilio's message statuses (https://www.twilio.com/docs/messaging/api/message-resource#message-status-values). */
export type TwilioMessageStatus =
  'accepted' | 'queued' | 'sending' | 'sent' | 'delivered' | 'undelivered' | 'failed';

/** Statuses a test can make the stand-in report through the StatusCallback. */
export type TwilioCallbackStatus = 'sent' | 'delivered' | 'undelivered' | 'failed';

/** A message the stand-in accepted, i.e. one the patient would have received. */
export interface StandInMessage {
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
  readonly body: string;
  readonly statusCallback: string | null;
  status: TwilioMessageStatus;
  readonly dateCreated: Date;
  dateUpdated: Date;
  dateSent: Date | null;
  errorCode: number | null;
}

/** Every HTTP request the stand-in saw, accepted or not. */
export interface RecordedTwilioRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly form: Readonly<Record<string, string>>;
  readonly authorized: boolean;
  /** 0 when the connection was dropped without an answer (a timed-out, refused creation). */
  readonly responseStatus: number;
  readonly receivedAt: Date;
}

export interface StatusCallbackResult {
  readonly url: string;
  readonly status: number;
  readonly body: string;
}

export interface StatusCallbackOptions {
  /** Twilio error code for undelivered / failed, e.g. 30003 (unreachable handset). */
  readonly errorCode?: number;
  /** Sign with this token instead of the account's auth token (to test rejection). */
  readonly signWithAuthToken?: string;
}

/** A patient's text to our number, as Twilio's incoming-message webhook posts it. */
export interface InboundSmsOptions {
  readonly from: string;
  readonly body: string;
  /** Our number (Twilio's `To`). */
  readonly to?: string;
  /** Re-use a Message SID to prove idempotency (Twilio retries a webhook that failed). */
  readonly messageSid?: string;
  /** Sign with this token instead of the account's auth token (to test rejection). */
  readonly signWithAuthToken?: string;
}

export interface InboundSmsResult extends StatusCallbackResult {
  readonly messageSid: string;
}

export interface FailNextOptions {
  /**
   * Create (and record) the message, then answer with the failure anyway: what a client
   * sees when Twilio accepted a message but the response was lost or garbled.
   */
  readonly afterAccepting?: boolean;
}

export interface TimeoutOptions {
  /** How long each request is held; above the client's timeout, so it gives up first. */
  readonly holdMs: number;
  /** Create the message when the hold ends (default true): the SMS goes out unbeknown to the client. */
  readonly accept?: boolean;
  /** Only creations to this number (E.164) time out (timeoutNext); any when absent. */
  readonly to?: string;
}

export interface TwilioStandInOptions {
  readonly accountSid?: string;
  readonly authToken?: string;
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /**
   * After accepting a message, post `sent` and then this final status to its StatusCallback,
   * as live Twilio does a moment later. Off by default: tests trigger callbacks explicitly.
   */
  readonly autoStatusCallback?: 'delivered' | 'undelivered';
  /** Receives one line per notable request (the standalone demo prints them). */
  readonly log?: (line: string) => void;
}

export const STAND_IN_ACCOUNT_SID = 'AC00000000000000000000000000000000';
export const STAND_IN_AUTH_TOKEN = 'stand-in-auth-token';

const API_PREFIX = '/2010-04-01/Accounts/';
const E164 = /^\+[1-9]\d{1,14}$/;
const MAX_BODY_CHARS = 1600;

class HttpProblem extends Error {
  constructor(readonly failure: TwilioFailure) {
    super(failure.message);
  }
}

/**
 * A loopback stand-in for the slice of the Twilio REST API CareDispatch uses: create,
 * list and fetch Messages, plus signed StatusCallbacks. It answers in Twilio's JSON shapes
 * so the official SDK runs unmodified against it, and records everything for assertions.
 */
export class TwilioStandIn {
  readonly accountSid: string;
  readonly authToken: string;
  private server: Server | undefined;
  private readonly created: StandInMessage[] = [];
  private readonly seen: RecordedTwilioRequest[] = [];
  private readonly faults = new TwilioFaultPlan();
  private listDelayMs = 0;
  /** When each message starts to show in list and fetch answers (epoch ms). */
  private readonly listableAt = new Map<string, number>();
  private readonly timeoutsInFlight = new Set<Promise<unknown>>();
  private holdsRemaining = 0;
  private listingLagMs = 0;
  private readonly heldResponses: (() => void)[] = [];
  private readonly changes = new EventEmitter();
  private readonly callbacksInFlight = new Set<Promise<unknown>>();

  constructor(private readonly options: TwilioStandInOptions = {}) {
    this.accountSid = options.accountSid ?? STAND_IN_ACCOUNT_SID;
    this.authToken = options.authToken ?? STAND_IN_AUTH_TOKEN;
    this.changes.setMaxListeners(0);
  }

  async start(): Promise<{ baseUrl: string }> {
    if (this.server) throw new Error('stand-in already started');
    const server = createServer((request, response) => {
      void this.handle(request, response);
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => {
        resolve();
      });
    });
    return { baseUrl: this.baseUrl };
  }

  get baseUrl(): string {
    if (!this.server) throw new Error('stand-in not started');
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** Messages accepted so far, oldest first. */
  messages(): readonly StandInMessage[] {
    return this.created.map((message) => ({ ...message }));
  }

  requests(): readonly RecordedTwilioRequest[] {
    return [...this.seen];
  }

  /** Resolves once at least `count` messages (optionally only those matching) were accepted. */
  waitForMessages(
    count: number,
    timeoutMs: number,
    matching: (message: StandInMessage) => boolean = () => true,
  ): Promise<readonly StandInMessage[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.messages().filter(matching);
        if (found.length < count) return false;
        clearTimeout(timer);
        this.changes.off('message', onMessage);
        resolve(found);
        return true;
      };
      const onMessage = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.changes.off('message', onMessage);
        const found = this.messages().filter(matching).length;
        reject(
          new Error(
            `expected ${count} message(s) at the Twilio stand-in, got ${found} in ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.changes.on('message', onMessage);
      check();
    });
  }

  /**
   * The next `count` message creations are accepted (the patient gets the SMS) but their
   * HTTP answers are held until `releaseHeldResponses()`: the window in which a client can
   * crash after Twilio acted and before it learned the message SID.
   */
  holdNextResponses(count: number): void {
    this.holdsRemaining += count;
  }

  /** Sends the held answers to clients that are still connected. */
  releaseHeldResponses(): void {
    for (const release of this.heldResponses.splice(0)) release();
  }

  /** The next `count` message creations answer with `failure`. */
  failNext(count: number, failure: TwilioFailure, options: FailNextOptions = {}): void {
    this.faults.queue(count, failFault(failure, options));
  }

  /** Every message creation during the next `durationMs` answers with `failure`. */
  failFor(durationMs: number, failure: TwilioFailure, options: FailNextOptions = {}): void {
    this.faults.activateFor(Date.now(), durationMs, failFault(failure, options));
  }

  /** The next `count` creations time out: held past the client's timeout, then (by default) accepted. */
  timeoutNext(count: number, options: TimeoutOptions): void {
    this.faults.queue(count, timeoutFault(options), options.to);
  }

  /** Every creation during the next `durationMs` times out as timeoutNext describes. */
  timeoutFor(durationMs: number, options: TimeoutOptions): void {
    this.faults.activateFor(Date.now(), durationMs, timeoutFault(options));
  }

  /** Messages created from now on show in list and fetch answers only `delayMs` later. */
  listLate(delayMs: number): void {
    this.listDelayMs = delayMs;
  }

  /** Resolves once every timed-out creation has ended its hold (and created its message, if it does). */
  async whenHeldRequestsSettled(): Promise<void> {
    while (this.timeoutsInFlight.size > 0) await Promise.allSettled([...this.timeoutsInFlight]);
  }

  /**
   * Posts a StatusCallback for `sid` signed as Twilio signs it, and updates the message's
   * status at the stand-in. Returns the receiver's answer.
   */
  async sendStatusCallback(
    sid: string,
    status: TwilioCallbackStatus,
    options: StatusCallbackOptions = {},
  ): Promise<StatusCallbackResult> {
    const message = this.created.find((candidate) => candidate.sid === sid);
    if (!message) throw new Error(`no message ${sid} at the stand-in`);
    if (!message.statusCallback) throw new Error(`message ${sid} has no StatusCallback`);
    const now = new Date();
    message.status = status;
    message.dateUpdated = now;
    if (status !== 'failed') message.dateSent ??= now;
    if (options.errorCode !== undefined) message.errorCode = options.errorCode;

    const params: Record<string, string> = {
      AccountSid: message.accountSid,
      ApiVersion: '2010-04-01',
      MessageSid: message.sid,
      MessageStatus: status,
      SmsSid: message.sid,
      SmsStatus: status,
      To: message.to,
    };
    if (message.from) params.From = message.from;
    if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
    if (message.errorCode !== null) params.ErrorCode = String(message.errorCode);
    const signature = computeTwilioSignature(
      options.signWithAuthToken ?? this.authToken,
      message.statusCallback,
      params,
    );
    const response = await fetch(message.statusCallback, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        'user-agent': 'TwilioProxy/1.1',
      },
      body: new URLSearchParams(params).toString(),
    });
    const result = {
      url: message.statusCallback,
      status: response.status,
      body: await response.text(),
    };
    this.options.log?.(`status callback ${sid} ${status} -> HTTP ${result.status}`);
    return result;
  }

  /**
   * Posts a patient's SMS to `url` (the service's inbound webhook) with the parameters and the
   * X-Twilio-Signature Twilio's incoming-message webhook sends. Returns the receiver's answer.
   */
  async sendInboundSms(url: string, sms: InboundSmsOptions): Promise<InboundSmsResult> {
    const messageSid = sms.messageSid ?? `SM${randomBytes(16).toString('hex')}`;
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      Body: sms.body,
      From: sms.from,
      MessageSid: messageSid,
      NumMedia: '0',
      NumSegments: '1',
      SmsMessageSid: messageSid,
      SmsSid: messageSid,
      SmsStatus: 'received',
      To: sms.to ?? '+15005550006',
    };
    const signature = computeTwilioSignature(sms.signWithAuthToken ?? this.authToken, url, params);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
        'user-agent': 'TwilioProxy/1.1',
      },
      body: new URLSearchParams(params).toString(),
    });
    const result = { url, status: response.status, body: await response.text(), messageSid };
    this.options.log?.(`inbound sms ${messageSid} -> HTTP ${result.status}`);
    return result;
  }

  /**
   * List hides messages younger than `ms` (0 = none), as Twilio's read replicas do
   * under load: a client that reconciles too early concludes a sent message was never created.
   */
  delayListing(ms: number): void {
    this.listingLagMs = ms;
  }

  /** Ends every injected failure, hold and listing delay; held answers are released. */
  clearFaults(): void {
    this.faults.clear();
    this.listDelayMs = 0;
    this.listableAt.clear();
    this.holdsRemaining = 0;
    this.listingLagMs = 0;
    this.releaseHeldResponses();
  }

  reset(): void {
    this.created.length = 0;
    this.seen.length = 0;
    this.faults.clear();
    this.listDelayMs = 0;
    this.listableAt.clear();
    this.holdsRemaining = 0;
    this.releaseHeldResponses();
  }

  async stop(): Promise<void> {
    await this.whenHeldRequestsSettled();
    await Promise.allSettled([...this.callbacksInFlight]);
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = new Date();
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const rawBody = await readBody(request);
    const form = request.method === 'POST' ? formToRecord(rawBody) : {};
    const query = Object.fromEntries(url.searchParams);
    let status = 500;
    let authorized = false;
    try {
      if (url.pathname.startsWith('/_stand-in/')) {
        authorized = true;
        status = await this.control(request.method ?? 'GET', url.pathname, rawBody, response);
        return;
      }
      const route = matchRoute(request.method ?? 'GET', url.pathname);
      if (!route)
        throw new HttpProblem({
          httpStatus: 404,
          code: 20404,
          message: 'The requested resource was not found',
        });
      authorized = this.isAuthorized(request, route.accountSid);
      if (!authorized)
        throw new HttpProblem({ httpStatus: 401, code: 20003, message: 'Authenticate' });
      switch (route.kind) {
        case 'create':
          status = await this.create(route.accountSid, form, response);
          return;
        case 'list':
          status = this.list(route.accountSid, url, response);
          return;
        case 'fetch':
          status = this.fetchOne(route.accountSid, route.messageSid, response);
          return;
      }
    } catch (error) {
      const failure =
        error instanceof HttpProblem
          ? error.failure
          : { httpStatus: 500, code: 20500, message: 'An internal server error has occurred' };
      status = failure.httpStatus;
      sendJson(response, status, twilioErrorBody(failure));
    } finally {
      this.seen.push({
        method: request.method ?? 'GET',
        path: url.pathname,
        query,
        form,
        authorized,
        responseStatus: status,
        receivedAt,
      });
    }
  }

  private isAuthorized(request: IncomingMessage, pathAccountSid: string): boolean {
    const header = request.headers.authorization ?? '';
    if (!header.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const separator = decoded.indexOf(':');
    const user = decoded.slice(0, separator);
    const password = decoded.slice(separator + 1);
    return (
      separator > 0 &&
      user === this.accountSid &&
      password === this.authToken &&
      pathAccountSid === this.accountSid
    );
  }

  private async create(
    accountSid: string,
    form: Record<string, string>,
    response: ServerResponse,
  ): Promise<number> {
    const fault = this.faults.take(Date.now(), form.To);
    if (fault?.kind === 'timeout') {
      const held = this.timeOut(accountSid, form, response, fault);
      this.timeoutsInFlight.add(held);
      try {
        return await held;
      } finally {
        this.timeoutsInFlight.delete(held);
      }
    }
    if (fault && !fault.afterAccepting) throw new HttpProblem(fault.failure);
    const message = this.accept(accountSid, form);
    try {
      if (fault) throw new HttpProblem(fault.failure);
      if (this.holdsRemaining > 0) {
        this.holdsRemaining -= 1;
        const resource = this.toResource(message);
        this.heldResponses.push(() => {
          if (!response.destroyed && !response.writableEnded) sendJson(response, 201, resource);
        });
        return 201;
      }
      sendJson(response, 201, this.toResource(message));
      return 201;
    } finally {
      // Live Twilio hands an accepted message to the carrier moments after answering,
      // whatever became of its HTTP response.
      message.status = 'sent';
      message.dateSent = new Date();
      this.scheduleAutoCallbacks(message);
    }
  }

  /** Holds the request past the client's timeout, then creates the message or drops the line. */
  private async timeOut(
    accountSid: string,
    form: Record<string, string>,
    response: ServerResponse,
    fault: Extract<CreateFault, { kind: 'timeout' }>,
  ): Promise<number> {
    await new Promise((resolve) => setTimeout(resolve, fault.holdMs));
    if (!fault.accept) {
      response.destroy();
      return 0;
    }
    const message = this.accept(accountSid, form);
    message.status = 'sent';
    message.dateSent = new Date();
    this.scheduleAutoCallbacks(message);
    if (response.destroyed || response.writableEnded) return 0;
    sendJson(response, 201, this.toResource(message));
    return 201;
  }

  private isListed(message: StandInMessage, now: number): boolean {
    return (this.listableAt.get(message.sid) ?? 0) <= now;
  }

  private accept(
    accountSid: string,
    form: Readonly<Partial<Record<string, string>>>,
  ): StandInMessage {
    const to = form.To;
    const from = form.From ?? null;
    const messagingServiceSid = form.MessagingServiceSid ?? null;
    const body = form.Body;
    const statusCallback = form.StatusCallback ?? null;
    if (!to)
      throw new HttpProblem({
        httpStatus: 400,
        code: 21604,
        message: "A 'To' phone number is required.",
      });
    if (!E164.test(to)) {
      throw new HttpProblem({
        httpStatus: 400,
        code: 21211,
        message: `The 'To' number ${to} is not a valid phone number.`,
      });
    }
    if (!from && !messagingServiceSid) {
      throw new HttpProblem({
        httpStatus: 400,
        code: 21603,
        message: "A 'From' or 'MessagingServiceSid' parameter is required to send a message",
      });
    }
    if (from && !E164.test(from)) {
      throw new HttpProblem({
        httpStatus: 400,
        code: 21212,
        message: `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`,
      });
    }
    if (!body)
      throw new HttpProblem({ httpStatus: 400, code: 21602, message: 'Message body is required.' });
    if (body.length > MAX_BODY_CHARS) {
      throw new HttpProblem({
        httpStatus: 400,
        code: 21617,
        message: 'The concatenated message body exceeds the 1600 character limit.',
      });
    }
    if (statusCallback !== null && !/^https?:\/\/[^\s]+$/.test(statusCallback)) {
      throw new HttpProblem({
        httpStatus: 400,
        code: 21609,
        message: 'Invalid StatusCallback url',
      });
    }
    const now = new Date();
    const message: StandInMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid,
      to,
      from: messagingServiceSid ? null : from,
      messagingServiceSid,
      body,
      statusCallback,
      status: messagingServiceSid ? 'accepted' : 'queued',
      dateCreated: now,
      dateUpdated: now,
      dateSent: null,
      errorCode: null,
    };
    this.created.push(message);
    if (this.listDelayMs > 0) this.listableAt.set(message.sid, now.getTime() + this.listDelayMs);
    this.options.log?.(`accepted ${message.sid} to ${to}: ${body}`);
    this.changes.emit('message');
    return message;
  }

  private list(accountSid: string, url: URL, response: ServerResponse): number {
    const params = url.searchParams;
    const pageSize = clampInt(params.get('PageSize'), 50, 1, 1000);
    const page = clampInt(params.get('Page'), 0, 0, Number.MAX_SAFE_INTEGER);
    const now = Date.now();
    const listedBefore = now - this.listingLagMs;
    const matches = this.created
      .filter(
        (message) =>
          message.accountSid === accountSid &&
          this.isListed(message, now) &&
          message.dateCreated.getTime() <= listedBefore &&
          matchesListFilters(message, params),
      )
      // Twilio lists newest first.
      .reverse();
    const slice = matches.slice(page * pageSize, (page + 1) * pageSize);
    const uriFor = (pageNumber: number): string => {
      const next = new URLSearchParams(params);
      next.set('PageSize', String(pageSize));
      next.set('Page', String(pageNumber));
      return `${url.pathname}?${next.toString()}`;
    };
    sendJson(response, 200, {
      first_page_uri: uriFor(0),
      end: page * pageSize + Math.max(slice.length - 1, 0),
      previous_page_uri: page > 0 ? uriFor(page - 1) : null,
      messages: slice.map((message) => this.toResource(message)),
      uri: `${url.pathname}?${params.toString()}`,
      page_size: pageSize,
      start: page * pageSize,
      next_page_uri: (page + 1) * pageSize < matches.length ? uriFor(page + 1) : null,
      page,
    });
    return 200;
  }

  private fetchOne(accountSid: string, messageSid: string, response: ServerResponse): number {
    const message = this.created.find(
      (candidate) => candidate.sid === messageSid && candidate.accountSid === accountSid,
    );
    if (!message || !this.isListed(message, Date.now())) {
      throw new HttpProblem({
        httpStatus: 404,
        code: 20404,
        message: `The requested resource ${API_PREFIX}${accountSid}/Messages/${messageSid}.json was not found`,
      });
    }
    sendJson(response, 200, this.toResource(message));
    return 200;
  }

  /** Lets a test or demo running the stand-in in another process drive it over HTTP. */
  private async control(
    method: string,
    path: string,
    rawBody: string,
    response: ServerResponse,
  ): Promise<number> {
    if (method === 'GET' && path === '/_stand-in/messages') {
      sendJson(response, 200, {
        messages: this.messages().map((message) => this.toResource(message)),
      });
      return 200;
    }
    if (method === 'POST' && path === '/_stand-in/reset') {
      this.reset();
      sendJson(response, 200, {});
      return 200;
    }
    if (method === 'GET' && path === '/_stand-in/requests') {
      sendJson(response, 200, { requests: this.requests() });
      return 200;
    }
    if (method === 'POST' && (path === '/_stand-in/fail-next' || path === '/_stand-in/fail-for')) {
      const request = parseControlJson(rawBody);
      const failure: TwilioFailure = {
        httpStatus: controlInt(request, 'httpStatus', 500, 400, 599),
        code: controlInt(request, 'code', 20500, 0, 99_999),
        message: typeof request.message === 'string' ? request.message : 'Injected failure',
      };
      const options = { afterAccepting: controlBoolean(request, 'afterAccepting', false) };
      if (path === '/_stand-in/fail-next')
        this.failNext(controlInt(request, 'count', 1, 1, 1_000_000), failure, options);
      else
        this.failFor(controlInt(request, 'durationMs', undefined, 1, 86_400_000), failure, options);
      sendJson(response, 200, {});
      return 200;
    }
    if (
      method === 'POST' &&
      (path === '/_stand-in/timeout-next' || path === '/_stand-in/timeout-for')
    ) {
      const request = parseControlJson(rawBody);
      const options = {
        holdMs: controlInt(request, 'holdMs', undefined, 1, 600_000),
        accept: controlBoolean(request, 'accept', true),
      };
      if (path === '/_stand-in/timeout-next')
        this.timeoutNext(controlInt(request, 'count', 1, 1, 1_000_000), options);
      else this.timeoutFor(controlInt(request, 'durationMs', undefined, 1, 86_400_000), options);
      sendJson(response, 200, {});
      return 200;
    }
    if (method === 'POST' && path === '/_stand-in/list-delay') {
      this.listLate(controlInt(parseControlJson(rawBody), 'delayMs', undefined, 0, 600_000));
      sendJson(response, 200, {});
      return 200;
    }
    const callback = /^\/_stand-in\/messages\/(SM[0-9a-f]{32})\/status$/.exec(path);
    if (method === 'POST' && callback) {
      const request = parseControlJson(rawBody);
      const status = request.status;
      if (
        status !== 'sent' &&
        status !== 'delivered' &&
        status !== 'undelivered' &&
        status !== 'failed'
      ) {
        throw new HttpProblem({
          httpStatus: 400,
          code: 20001,
          message: 'status must be sent|delivered|undelivered|failed',
        });
      }
      const result = await this.sendStatusCallback(callback[1], status, {
        errorCode: typeof request.errorCode === 'number' ? request.errorCode : undefined,
      });
      sendJson(response, 200, result);
      return 200;
    }
    throw new HttpProblem({
      httpStatus: 404,
      code: 20404,
      message: 'Unknown stand-in control endpoint',
    });
  }

  private scheduleAutoCallbacks(message: StandInMessage): void {
    const final = this.options.autoStatusCallback;
    if (!final || !message.statusCallback) return;
    const run = (async () => {
      await this.sendStatusCallback(message.sid, 'sent');
      await this.sendStatusCallback(
        message.sid,
        final,
        final === 'undelivered' ? { errorCode: 30003 } : {},
      );
    })().catch((error: unknown) => {
      this.options.log?.(
        `status callback for ${message.sid} failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    this.callbacksInFlight.add(run);
    void run.finally(() => this.callbacksInFlight.delete(run));
  }

  private toResource(message: StandInMessage): Record<string, unknown> {
    const uri = `${API_PREFIX}${message.accountSid}/Messages/${message.sid}.json`;
    return {
      account_sid: message.accountSid,
      api_version: '2010-04-01',
      body: message.body,
      date_created: rfc2822(message.dateCreated),
      date_sent: message.dateSent ? rfc2822(message.dateSent) : null,
      date_updated: rfc2822(message.dateUpdated),
      direction: 'outbound-api',
      error_code: message.errorCode,
      error_message: null,
      from: message.from,
      messaging_service_sid: message.messagingServiceSid,
      num_media: '0',
      num_segments: String(segmentCount(message.body)),
      price: null,
      price_unit: 'USD',
      sid: message.sid,
      status: message.status,
      subresource_uris: { media: uri.replace(/\.json$/, '/Media.json') },
      to: message.to,
      uri,
    };
  }
}

type Route =
  | { kind: 'create' | 'list'; accountSid: string }
  | { kind: 'fetch'; accountSid: string; messageSid: string };

function matchRoute(method: string, path: string): Route | undefined {
  const collection = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
  if (collection) {
    if (method === 'POST') return { kind: 'create', accountSid: collection[1] };
    if (method === 'GET') return { kind: 'list', accountSid: collection[1] };
    return undefined;
  }
  const single = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/.exec(path);
  if (single && method === 'GET')
    return { kind: 'fetch', accountSid: single[1], messageSid: single[2] };
  return undefined;
}

/**
 * Twilio's list filters: `DateSent` is one UTC day; `DateSent>` / `DateSent<` are inclusive
 * bounds given as a day or an instant. Messages not yet sent have no date_sent and never
 * match a date filter.
 */
function matchesListFilters(message: StandInMessage, params: URLSearchParams): boolean {
  const to = params.get('To');
  const from = params.get('From');
  if (to !== null && message.to !== to) return false;
  if (from !== null && message.from !== from) return false;
  const exactDay = params.get('DateSent');
  const after = params.get('DateSent>');
  const before = params.get('DateSent<');
  if (exactDay === null && after === null && before === null) return true;
  if (!message.dateSent) return false;
  const sent = message.dateSent.getTime();
  if (exactDay !== null) {
    const [start, end] = dayBounds(exactDay);
    if (sent < start || sent >= end) return false;
  }
  if (after !== null) {
    const bound = isDay(after) ? dayBounds(after)[0] : Date.parse(after);
    if (Number.isNaN(bound) || sent < bound) return false;
  }
  if (before !== null) {
    const bound = isDay(before) ? dayBounds(before)[1] : Date.parse(before) + 1;
    if (Number.isNaN(bound) || sent >= bound) return false;
  }
  return true;
}

function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value);
}

function dayBounds(day: string): [number, number] {
  const start = Date.parse(`${day}T00:00:00Z`);
  return [start, start + 86_400_000];
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

/** GSM-7 fits 153 characters per concatenated segment, UCS-2 67 (160 / 70 for a single one). */
function segmentCount(body: string): number {
  const gsm = /^[\x20-\x7E\n\r£¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¤¡ÄÖÑÜ§¿äöñüà€]*$/.test(body);
  const [single, multi] = gsm ? [160, 153] : [70, 67];
  return body.length <= single ? 1 : Math.ceil(body.length / multi);
}

function clampInt(value: string | null, fallback: number, min: number, max: number): number {
  const parsed = value === null ? Number.NaN : Number.parseInt(value, 10);
  if (Number.isNaN(parsed)) return fallback;
  return Math.min(Math.max(parsed, min), max);
}

function formToRecord(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

function parseControlJson(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // fall through to the 400 below
  }
  throw new HttpProblem({
    httpStatus: 400,
    code: 20001,
    message: 'control body must be a JSON object',
  });
}

function failFault(failure: TwilioFailure, options: FailNextOptions): CreateFault {
  return { kind: 'fail', failure, afterAccepting: options.afterAccepting ?? false };
}

function timeoutFault(options: TimeoutOptions): CreateFault {
  return { kind: 'timeout', holdMs: options.holdMs, accept: options.accept ?? true };
}

/** An integer control field in [min, max]; `fallback` undefined makes it required. */
function controlInt(
  request: Readonly<Record<string, unknown>>,
  field: string,
  fallback: number | undefined,
  min: number,
  max: number,
): number {
  const value = request[field] ?? fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)
    return value;
  throw new HttpProblem({
    httpStatus: 400,
    code: 20001,
    message: `${field} must be an integer in ${min}..${max}`,
  });
}

function controlBoolean(
  request: Readonly<Record<string, unknown>>,
  field: string,
  fallback: boolean,
): boolean {
  const value = request[field] ?? fallback;
  if (typeof value === 'boolean') return value;
  throw new HttpProblem({ httpStatus: 400, code: 20001, message: `${field} must be a boolean` });
}

function sendJson(response: ServerResponse, status: number, body: object): void {
  // A client that gave up (timed out) is not there to answer.
  if (response.destroyed || response.writableEnded) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    request.on('error', reject);
  });
}
