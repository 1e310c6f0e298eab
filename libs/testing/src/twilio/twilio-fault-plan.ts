import { type TwilioFailure } from './twilio-failures';

/** How the stand-in treats one message creation instead of simply accepting it. */
export type CreateFault =
  | {
      readonly kind: 'fail';
      readonly failure: TwilioFailure;
      /** Create the message first (the patient gets it), then answer with the failure anyway. */
      readonly afterAccepting: boolean;
    }
  | {
      readonly kind: 'timeout';
      /** How long the request is held; longer than the client's timeout to make it give up. */
      readonly holdMs: number;
      /** Whether the message is created when the hold ends (the client never hears of it). */
      readonly accept: boolean;
    };

interface QueuedFault {
  readonly fault: CreateFault;
  /** Only a creation to this number meets it; any creation when absent. */
  readonly to?: string;
}

interface FaultWindow {
  readonly until: number;
  readonly fault: CreateFault;
}

/**
 * Which fault, if any, the next message creation meets: first the ones queued for the next
 * N creations, then a fault active for a period of time. Time is passed in, so the rules are
 * plain and the stand-in decides when "now" is.
 */
export class TwilioFaultPlan {
  private readonly queued: QueuedFault[] = [];
  private windows: FaultWindow[] = [];

  /**
   * The next `count` creations meet `fault`, after any queued before; with `to`, only
   * creations to that number (so tests running side by side do not take each other's faults).
   */
  queue(count: number, fault: CreateFault, to?: string): void {
    for (let i = 0; i < count; i += 1) this.queued.push({ fault, to });
  }

  /** Every creation from `now` for `durationMs` meets `fault` (unless a queued one comes first). */
  activateFor(now: number, durationMs: number, fault: CreateFault): void {
    this.windows.push({ until: now + durationMs, fault });
  }

  /** Takes the fault for one creation; undefined means accept normally. */
  take(now: number, to?: string): CreateFault | undefined {
    const index = this.queued.findIndex((queued) => queued.to === undefined || queued.to === to);
    if (index >= 0) return this.queued.splice(index, 1)[0]?.fault;
    this.windows = this.windows.filter((window) => window.until > now);
    return this.windows.at(0)?.fault;
  }

  clear(): void {
    this.queued.length = 0;
    this.windows = [];
  }
}
