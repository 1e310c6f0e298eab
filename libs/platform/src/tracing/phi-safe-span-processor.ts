import { type Attributes, type Context } from '@opentelemetry/api';
import {
  type ReadableSpan,
  type Span,
  type SpanProcessor,
  type TimedEvent,
} from '@opentelemetry/sdk-trace-base';

import { redactLinkTokens } from '../logging/link-token-paths';
import { stripUrlQueries, withoutQuery } from '../logging/url-query';

// Semantic-convention attributes (old and new) that hold a URL or request target.
const URL_ATTRIBUTES = new Set(['url.full', 'http.url', 'http.target', 'url.path']);
// Dropped outright: the query itself, and SQL parameters in any instrumentation's naming.
const DROPPED_ATTRIBUTES = new Set(['url.query', 'db.statement.parameters', 'db.parameters']);
const DROPPED_PREFIXES = ['db.query.parameter.', 'db.operation.parameter.'];

/**
 * Sits in front of the exporting processor and hands it a copy of every ended span without
 * patient data or link credentials: URL query strings (Twilio's list call carries `To=+1…`),
 * SQL parameters, the token segment of link page paths (`/a/[token]`), and both inside any
 * other string attribute or event (exception messages) and the span's name.
 */
export class PhiSafeSpanProcessor implements SpanProcessor {
  constructor(private readonly exporting: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.exporting.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    this.exporting.onEnd(scrubSpan(span));
  }

  forceFlush(): Promise<void> {
    return this.exporting.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.exporting.shutdown();
  }
}

export function scrubSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: safeText(span.name),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: span.status.message
      ? { ...span.status, message: safeText(span.status.message) }
      : span.status,
    attributes: scrubAttributes(span.attributes),
    links: span.links.map((link) => ({
      ...link,
      ...(link.attributes ? { attributes: scrubAttributes(link.attributes) } : {}),
    })),
    events: span.events.map(scrubEvent),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

export function scrubAttributes(attributes: Attributes): Attributes {
  const scrubbed: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED_ATTRIBUTES.has(key) || DROPPED_PREFIXES.some((prefix) => key.startsWith(prefix))) {
      continue;
    }
    if (typeof value !== 'string') scrubbed[key] = value;
    else if (URL_ATTRIBUTES.has(key)) scrubbed[key] = redactLinkTokens(withoutQuery(value));
    else scrubbed[key] = safeText(value);
  }
  return scrubbed;
}

function safeText(text: string): string {
  return redactLinkTokens(stripUrlQueries(text));
}

function scrubEvent(event: TimedEvent): TimedEvent {
  return event.attributes ? { ...event, attributes: scrubAttributes(event.attributes) } : event;
}
