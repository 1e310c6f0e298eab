import { type Attributes, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('dispatch-optimizer');

/**
 * The phases of a plan run, each an OpenTelemetry span (`dispatch.plan.<phase>`) so a slow run
 * shows where its time went in the trace store and in `bench:dispatch`. Attributes carry ids and
 * counts only, never PHI.
 */
export const PLAN_PHASES = ['load', 'build', 'matrix', 'solve', 'check', 'store'] as const;
export type PlanPhase = (typeof PLAN_PHASES)[number];

export const PLAN_PHASE_SPAN_PREFIX = 'dispatch.plan.';

export function inPlanPhase<T>(
  phase: PlanPhase,
  attributes: Attributes,
  work: () => Promise<T> | T,
): Promise<T> {
  return tracer.startActiveSpan(
    `${PLAN_PHASE_SPAN_PREFIX}${phase}`,
    { attributes },
    async (span) => {
      try {
        return await work();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
