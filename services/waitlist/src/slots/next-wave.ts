import { type RankedCandidate } from '../ranking/waitlist-ranking';
import { type TenantWaitlistSettings } from '../settings/waitlist-settings';

import { type EscalationReasonCode } from './freed-slot.entity';

export type WaveDecision =
  | { readonly kind: 'offer'; readonly candidates: readonly RankedCandidate[] }
  | { readonly kind: 'escalate'; readonly reason: EscalationReasonCode }
  | { readonly kind: 'expire' };

export interface WaveInput {
  readonly slotStart: Date;
  readonly now: Date;
  readonly wavesSent: number;
  /** Eligible entries not offered this slot before, best first. */
  readonly ranked: readonly RankedCandidate[];
  readonly settings: Pick<TenantWaitlistSettings, 'waveSize' | 'escalateWithinHours'>;
}

/**
 * What to do when a slot has no open offer: the first wave always goes out when someone is
 * eligible (a slot tomorrow morning is exactly what the waitlist is for); a later wave for a
 * slot starting within the escalation window goes to coordinators instead, who can phone.
 */
export function decideNextWave(input: WaveInput): WaveDecision {
  const { slotStart, now, wavesSent, ranked, settings } = input;
  if (slotStart.getTime() <= now.getTime()) return { kind: 'expire' };
  if (ranked.length === 0) {
    return {
      kind: 'escalate',
      reason: wavesSent === 0 ? 'no_eligible_patient' : 'all_declined_or_expired',
    };
  }
  const startsWithinWindow =
    slotStart.getTime() - now.getTime() < settings.escalateWithinHours * 3_600_000;
  if (wavesSent > 0 && startsWithinWindow) return { kind: 'escalate', reason: 'starts_soon' };
  return { kind: 'offer', candidates: ranked.slice(0, settings.waveSize) };
}
