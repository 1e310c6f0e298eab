import {
  type Attributes,
  type Context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

import type { EventEnvelope } from '@caredispatch/contracts';

import { describeError } from './headers';

const tracer = trace.getTracer('@caredispatch/kafka');

/** The producer's trace context, carried in the envelope (not only headers, so it survives re-publishing). */
export function envelopeTraceContext(envelope: EventEnvelope): Context {
  const carrier: Record<string, string> = { traceparent: envelope.traceparent };
  if (envelope.tracestate) carrier['tracestate'] = envelope.tracestate;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/**
 * Runs `work` in a CONSUMER span that is a child of the envelope's trace, and makes it the
 * active context so outbox events written by the handler continue the same trace.
 */
export function withConsumerSpan<R>(
  envelope: EventEnvelope,
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<R>,
): Promise<R> {
  return tracer.startActiveSpan(
    name,
    { kind: SpanKind.CONSUMER, attributes },
    envelopeTraceContext(envelope),
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
