import { type ProviderDayKey } from '../plan/plan.model';
import { type RosterProvider } from '../roster/roster.model';

import { type NewDelivery } from './itinerary-delivery.repository';
import { deliverableAt } from './quiet-time';

/**
 * One delivery per provider of a published plan version, covering that provider's listed days
 * (the weekly run: Monday–Friday in one message; a re-plan: the changed days only). Providers
 * the roster no longer has are left out: there is no one to tell. Each waits out the provider's
 * quiet time (`deliverableAt`).
 */
export function deliveriesForPlan(
  published: {
    readonly tenantId: string;
    readonly planId: string;
    readonly version: number;
    readonly previousVersion: number | null;
    readonly providerDays: readonly ProviderDayKey[];
  },
  providers: readonly RosterProvider[],
  now: Date,
): NewDelivery[] {
  const byId = new Map(providers.map((p) => [p.providerId, p]));
  const days = new Map<string, Set<string>>();
  for (const { providerId, day } of published.providerDays) {
    const set = days.get(providerId) ?? new Set<string>();
    set.add(day);
    days.set(providerId, set);
  }
  return [...days]
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([providerId, set]) => {
      const provider = byId.get(providerId);
      if (!provider) return [];
      const days = [...set].sort();
      const revised = published.previousVersion !== null;
      return [
        {
          tenantId: published.tenantId,
          planId: published.planId,
          planVersion: published.version,
          providerId,
          days,
          revised,
          channel: provider.delivery.channel.kind,
          notBefore: deliverableAt(now, provider.delivery, { revised, days }),
        },
      ];
    });
}
