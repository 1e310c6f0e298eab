/**
 * Microsoft Teams incoming-webhook stand-in: accepts `POST /webhook/<id>` with a message whose
 * attachments carry Adaptive Cards, records each post, answers `1` with 200 as the connector
 * does. failNext(count, httpStatus) makes the next posts fail (429 / 5xx) without recording them.
 */
import { LoopbackHttpServer, type LoopbackReply } from '../net/loopback-http-server';

export interface TeamsCardPost {
  readonly webhookId: string;
  /** The Adaptive Card (`attachments[].content`). */
  readonly card: { readonly type: string; readonly body: readonly unknown[] } & Record<
    string,
    unknown
  >;
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export class TeamsWebhookStandIn {
  private readonly server: LoopbackHttpServer;
  private readonly received: TeamsCardPost[] = [];
  private readonly failures: number[] = [];

  constructor(port = 0) {
    this.server = new LoopbackHttpServer((request) => this.handle(request), port);
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** An incoming-webhook URL for one channel. */
  webhookUrl(webhookId: string): string {
    return `${this.server.baseUrl}/webhook/${encodeURIComponent(webhookId)}`;
  }

  posts(webhookId?: string): readonly TeamsCardPost[] {
    return this.received.filter((p) => webhookId === undefined || p.webhookId === webhookId);
  }

  reset(): void {
    this.received.length = 0;
    this.failures.length = 0;
  }

  failNext(count: number, httpStatus: 429 | 500 | 502 | 503 = 500): void {
    for (let i = 0; i < count; i += 1) this.failures.push(httpStatus);
  }

  private handle(request: { method: string; path: string; body: string }): LoopbackReply {
    const match = /^\/webhook\/([^/]+)$/.exec(request.path);
    if (request.method !== 'POST' || !match?.[1]) return { status: 404, body: 'not found' };
    const failure = this.failures.shift();
    if (failure !== undefined) return { status: failure, body: 'stand-in failure' };
    let message: { type?: unknown; attachments?: unknown };
    try {
      message = JSON.parse(request.body) as typeof message;
    } catch {
      return { status: 400, body: 'Bad payload: body is not JSON' };
    }
    const attachments = Array.isArray(message.attachments) ? message.attachments : [];
    const cards = attachments.filter(
      (a): a is { contentType: string; content: TeamsCardPost['card'] } =>
        typeof a === 'object' &&
        a !== null &&
        (a as { contentType?: unknown }).contentType === ADAPTIVE_CARD &&
        (a as { content?: { type?: unknown } }).content?.type === 'AdaptiveCard',
    );
    if (message.type !== 'message' || cards.length === 0) {
      return { status: 400, body: 'Bad payload: expected a message with an Adaptive Card' };
    }
    const webhookId = decodeURIComponent(match[1]);
    for (const card of cards) this.received.push({ webhookId, card: card.content });
    return { status: 200, body: '1' };
  }
}
