/**
 * Slack Web API stand-in: the methods CareDispatch calls, answering in Slack's JSON shapes so
 * the official `@slack/web-api` client runs unmodified against it (its `slackApiUrl` option
 * set to `${standIn.apiUrl}`). Every call is recorded; the bot token is checked on each one.
 *
 * Methods: conversations.open, conversations.history, chat.postMessage, chat.update,
 * chat.postEphemeral. Anything else answers `unknown_method`, as Slack does.
 * Faults: failNext(method, fault) — HTTP 5xx, 429 (rate limited), or a Slack `ok: false` error,
 * optionally after acting ("Slack posted it but the answer was lost").
 */
import { createHash } from 'node:crypto';

import { LoopbackHttpServer, type LoopbackReply } from '../net/loopback-http-server';

export const SLACK_STAND_IN_BOT_TOKEN = 'xoxb-stand-in-bot-token';

/** One message as a channel or DM holds it (with its edits applied). */
export interface SlackStandInMessage {
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  text: string;
  blocks: unknown[];
  readonly metadata: { event_type: string; event_payload: Record<string, unknown> } | undefined;
  /** How many times chat.update replaced it. */
  edits: number;
  /** Set for chat.postEphemeral: only this user saw it. */
  readonly ephemeralTo: string | undefined;
}

export interface RecordedSlackCall {
  readonly method: string;
  readonly args: Readonly<Record<string, string>>;
  readonly authorized: boolean;
  /** `ok`, a Slack error code, or `http <status>`. */
  readonly outcome: string;
}

export type SlackFault =
  | { readonly httpStatus: 429 | 500 | 502 | 503; readonly afterActing?: boolean }
  | { readonly error: string; readonly afterActing?: boolean };

export interface SlackStandInOptions {
  readonly botToken?: string;
  /** Users conversations.open accepts; by default any id that looks like a user (`U…`/`W…`). */
  readonly users?: readonly string[];
  readonly port?: number;
}

const USER_ID = /^[UW][A-Z0-9]+$/;

export class SlackStandIn {
  readonly botToken: string;
  private readonly server: LoopbackHttpServer;
  private readonly posted: SlackStandInMessage[] = [];
  private readonly recorded: RecordedSlackCall[] = [];
  private readonly faults = new Map<string, SlackFault[]>();
  /** Last ts handed out, in microseconds: wall time, strictly increasing (Slack's ts are unique per channel). */
  private lastTsMicros = 0;

  constructor(private readonly options: SlackStandInOptions = {}) {
    this.botToken = options.botToken ?? SLACK_STAND_IN_BOT_TOKEN;
    this.server = new LoopbackHttpServer((request) => this.handle(request), options.port);
  }

  async start(): Promise<{ apiUrl: string }> {
    await this.server.start();
    return { apiUrl: this.apiUrl };
  }

  /** The value for WebClient's `slackApiUrl`. */
  get apiUrl(): string {
    return `${this.server.baseUrl}/api/`;
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** Messages posted (DMs and channels), oldest first, edits applied. */
  messages(filter: { channel?: string } = {}): readonly SlackStandInMessage[] {
    return this.posted.filter((m) => filter.channel === undefined || m.channel === filter.channel);
  }

  /** The DM channel id conversations.open answers for this user. */
  dmChannelOf(userId: string): string {
    return `D${createHash('sha256').update(userId).digest('hex').slice(0, 10).toUpperCase()}`;
  }

  calls(method?: string): readonly RecordedSlackCall[] {
    return this.recorded.filter((c) => method === undefined || c.method === method);
  }

  /** The next `count` calls of `method` answer `fault` instead of (or after) acting. */
  failNext(method: string, fault: SlackFault, count = 1): void {
    const queue = this.faults.get(method) ?? [];
    for (let i = 0; i < count; i += 1) queue.push(fault);
    this.faults.set(method, queue);
  }

  reset(): void {
    this.posted.length = 0;
    this.recorded.length = 0;
    this.faults.clear();
  }

  private handle(request: {
    method: string;
    path: string;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }): LoopbackReply {
    const method = request.path.replace(/^\/api\//, '');
    const args = parseArgs(request.headers['content-type'], request.body);
    const authorized = request.headers.authorization === `Bearer ${this.botToken}`;
    const reply = this.answer(method, args, authorized);
    const outcome =
      reply.status !== 200
        ? `http ${reply.status}`
        : (reply.body as { ok: boolean; error?: string }).ok
          ? 'ok'
          : ((reply.body as { error?: string }).error ?? 'error');
    this.recorded.push({ method, args, authorized, outcome });
    return reply;
  }

  private answer(method: string, args: Record<string, string>, authorized: boolean): LoopbackReply {
    if (!authorized) return slackError('invalid_auth');
    const fault = this.faults.get(method)?.shift();
    if (fault && !fault.afterActing) return faultReply(fault);
    const reply = this.act(method, args);
    return fault ? faultReply(fault) : reply;
  }

  private act(method: string, args: Record<string, string>): LoopbackReply {
    switch (method) {
      case 'conversations.open': {
        const users = (args['users'] ?? '').split(',').filter(Boolean);
        const [user] = users;
        if (users.length !== 1 || !user) return slackError('invalid_arguments');
        if (!this.knowsUser(user)) return slackError('user_not_found');
        return ok({ channel: { id: this.dmChannelOf(user) } });
      }
      case 'chat.postMessage':
      case 'chat.postEphemeral': {
        const channel = args['channel'];
        if (!channel) return slackError('channel_not_found');
        if (!args['text'] && !args['blocks']) return slackError('no_text');
        const ephemeralTo = method === 'chat.postEphemeral' ? args['user'] : undefined;
        if (method === 'chat.postEphemeral' && !ephemeralTo) return slackError('user_not_found');
        const message: SlackStandInMessage = {
          channel,
          ts: this.nextTs(),
          threadTs: args['thread_ts'],
          text: args['text'] ?? '',
          blocks: parseJsonArray(args['blocks']),
          metadata: parseMetadata(args['metadata']),
          edits: 0,
          ephemeralTo,
        };
        this.posted.push(message);
        return method === 'chat.postEphemeral'
          ? ok({ message_ts: message.ts })
          : ok({ channel, ts: message.ts, message: { text: message.text, ts: message.ts } });
      }
      case 'chat.update': {
        const target = this.posted.find(
          (m) => m.channel === args['channel'] && m.ts === args['ts'] && !m.ephemeralTo,
        );
        if (!target) return slackError('message_not_found');
        target.text = args['text'] ?? target.text;
        if (args['blocks']) target.blocks = parseJsonArray(args['blocks']);
        target.edits += 1;
        return ok({ channel: target.channel, ts: target.ts, text: target.text });
      }
      case 'conversations.history': {
        const oldest = Number(args['oldest'] ?? '0');
        const messages = this.posted
          .filter((m) => m.channel === args['channel'] && !m.ephemeralTo && Number(m.ts) >= oldest)
          .reverse()
          .map((m) => ({
            type: 'message',
            ts: m.ts,
            text: m.text,
            ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
            ...(m.metadata && args['include_all_metadata'] === 'true'
              ? { metadata: m.metadata }
              : {}),
          }));
        return ok({ messages, has_more: false });
      }
      default:
        return slackError('unknown_method');
    }
  }

  private knowsUser(user: string): boolean {
    return this.options.users ? this.options.users.includes(user) : USER_ID.test(user);
  }

  private nextTs(): string {
    this.lastTsMicros = Math.max(Date.now() * 1000, this.lastTsMicros + 1);
    const seconds = Math.floor(this.lastTsMicros / 1_000_000);
    return `${seconds}.${String(this.lastTsMicros % 1_000_000).padStart(6, '0')}`;
  }
}

function ok(body: Record<string, unknown>): LoopbackReply {
  return { status: 200, body: { ok: true, ...body } };
}

function slackError(error: string): LoopbackReply {
  return { status: 200, body: { ok: false, error } };
}

function faultReply(fault: SlackFault): LoopbackReply {
  if ('error' in fault) return slackError(fault.error);
  if (fault.httpStatus === 429) return { status: 429, body: '', headers: { 'retry-after': '1' } };
  return { status: fault.httpStatus, body: 'stand-in failure' };
}

/** The client sends form-encoded arguments (objects JSON-encoded); JSON bodies are accepted too. */
function parseArgs(
  contentType: string | string[] | undefined,
  body: string,
): Record<string, string> {
  if (String(contentType).includes('application/json')) {
    const parsed = JSON.parse(body || '{}') as Record<string, unknown>;
    return Object.fromEntries(
      Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
    );
  }
  return Object.fromEntries(new URLSearchParams(body));
}

function parseJsonArray(value: string | undefined): unknown[] {
  if (!value) return [];
  const parsed: unknown = JSON.parse(value);
  return Array.isArray(parsed) ? parsed : [];
}

function parseMetadata(value: string | undefined): SlackStandInMessage['metadata'] {
  if (!value) return undefined;
  return JSON.parse(value) as SlackStandInMessage['metadata'];
}
