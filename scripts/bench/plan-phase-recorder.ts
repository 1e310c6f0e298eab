import { trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

import {
  PLAN_PHASE_SPAN_PREFIX,
  PLAN_PHASES,
} from '../../services/dispatch-optimizer/src/plan/plan-phase';

const PHASE_NAMES: ReadonlySet<string> = new Set(PLAN_PHASES);

/**
 * Sums the planner's phase spans (`dispatch.plan.<phase>`) of the in-process service, so the
 * bench can print where a timed run spent its time. Registered as the global tracer provider.
 */
export class PlanPhaseRecorder implements SpanProcessor {
  private totals = new Map<string, number>();

  static install(): PlanPhaseRecorder {
    const recorder = new PlanPhaseRecorder();
    trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [recorder] }));
    return recorder;
  }

  /** Phase → milliseconds since the last call (summed when a phase ran more than once). */
  take(): Record<string, number> {
    const taken = Object.fromEntries(
      [...this.totals].map(([phase, ms]) => [`${phase}Ms`, Math.round(ms)]),
    );
    this.totals = new Map();
    return taken;
  }

  onStart(): void {}

  onEnd(span: ReadableSpan): void {
    const phase = span.name.slice(PLAN_PHASE_SPAN_PREFIX.length);
    // The Kafka consumer's spans of dispatch.plan.v1 share the prefix.
    if (!span.name.startsWith(PLAN_PHASE_SPAN_PREFIX) || !PHASE_NAMES.has(phase)) return;
    const [seconds, nanos] = span.duration;
    this.totals.set(phase, (this.totals.get(phase) ?? 0) + seconds * 1000 + nanos / 1e6);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
