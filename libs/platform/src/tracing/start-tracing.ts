import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

import { PhiSafeSpanProcessor } from './phi-safe-span-processor';

/** Keeps context propagation alive when no collector is configured; exports nothing. */
class DiscardingSpanProcessor implements SpanProcessor {
  onStart(): void {}
  onEnd(_span: ReadableSpan): void {}
  async forceFlush(): Promise<void> {}
  async shutdown(): Promise<void> {}
}

let sdk: NodeSDK | undefined;

/**
 * The export pipeline of every service: each ended span passes the PHI filter (no URL query
 * strings, no SQL parameters) before it is batched and handed to `exporter`.
 */
export function exportingSpanProcessor(
  exporter: SpanExporter,
  scheduledDelayMillis: number,
): SpanProcessor {
  return new PhiSafeSpanProcessor(new BatchSpanProcessor(exporter, { scheduledDelayMillis }));
}

export function otlpTraceUrl(endpoint: string): string {
  return `${endpoint.replace(/\/$/, '')}/v1/traces`;
}

/**
 * Must run before any module that loads `http` or `express`, which is why every service's
 * main.ts imports its `tracing.ts` first. Spans are exported over OTLP/HTTP when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set; W3C trace context is always propagated.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): void {
  if (sdk) return;
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const spanProcessor = endpoint
    ? exportingSpanProcessor(
        new OTLPTraceExporter({ url: otlpTraceUrl(endpoint) }),
        Number(env.OTEL_BSP_SCHEDULE_DELAY ?? 1000),
      )
    : new DiscardingSpanProcessor();
  sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName }),
    spanProcessors: [spanProcessor],
    instrumentations: [
      new HttpInstrumentation({
        // Health probes would otherwise flood the trace store.
        ignoreIncomingRequestHook: (request) => request.url?.startsWith('/health') ?? false,
      }),
    ],
  });
  sdk.start();
}

export async function stopTracing(): Promise<void> {
  await sdk?.shutdown();
  sdk = undefined;
}
