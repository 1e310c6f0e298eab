import { randomUUID } from 'node:crypto';

import {
  DispatchExceptionReporter,
  type DispatchExceptionInput,
} from '../exceptions/dispatch-exception.model';
import { PlanReader } from '../plan/plan-published';
import { type PlanStop, type PlanVersion, type ProviderDayPlan } from '../plan/plan.model';
import { type RosterProvider, type RosterReader } from '../roster/roster.model';

/** Test data for delivery: the seed's shape (12 providers, Monday–Friday) in a few lines. */
export const SEED_WEEK = ['2026-12-07', '2026-12-08', '2026-12-09', '2026-12-10', '2026-12-11'];

export function aProvider(
  tenantId: string,
  index: number,
  channel: RosterProvider['delivery']['channel'] = {
    kind: 'slack',
    slackUserId: `U0PROV${String(index).padStart(3, '0')}`,
  },
): RosterProvider {
  return {
    tenantId,
    providerId: `provider-${String(index).padStart(2, '0')}`,
    displayName: `Provider ${index}`,
    credentials: ['RN'],
    homeBase: { address: '1 Main St', coordinates: { lat: 40.7, lon: -74 } },
    clinicIds: [],
    weeklyAvailability: [],
    availabilityExceptions: [],
    maxHoursPerDay: 8,
    maxHoursPerWeek: 40,
    delivery: { channel, quietTimes: [], timeZone: 'America/New_York' },
    active: true,
  };
}

function aStop(providerId: string, day: string, n: number): PlanStop {
  const start = new Date(`${day}T${String(14 + n).padStart(2, '0')}:00:00Z`);
  return {
    appointmentId: randomUUID(),
    patientDisplayName: `Pat${n} ${providerId.slice(-1)}.`,
    address: { line: `${n} Elm St`, coordinates: { lat: 40.7 + n / 100, lon: -74 } },
    visitType: 'home-health',
    visitMode: 'home',
    clinicId: null,
    arrival: new Date(start.getTime() - 5 * 60_000).toISOString(),
    start: start.toISOString(),
    end: new Date(start.getTime() + 45 * 60_000).toISOString(),
    travelSecondsFromPrevious: 900,
    travelMetersFromPrevious: 9_000,
    frozen: false,
  };
}

export function aProviderDay(providerId: string, day: string, stops = 3): ProviderDayPlan {
  const planStops = Array.from({ length: stops }, (_, n) => aStop(providerId, day, n));
  return {
    providerId,
    day,
    departure: planStops[0]?.arrival ?? `${day}T13:00:00.000Z`,
    returnArrival: `${day}T22:00:00.000Z`,
    startAddress: { line: '1 Main St', coordinates: { lat: 40.7, lon: -74 } },
    endAddress: { line: '1 Main St', coordinates: { lat: 40.7, lon: -74 } },
    stops: planStops,
    travelSecondsToEnd: 900,
    clinicSessions: [],
    totals: {
      visits: stops,
      driveSeconds: 900 * (stops + 1),
      driveMeters: 9_000 * (stops + 1),
      workingSeconds: 8 * 3600,
      overtimeSeconds: 0,
    },
  };
}

export function aPlanVersion(
  tenantId: string,
  planId: string,
  version: number,
  providerDays: ProviderDayPlan[],
): PlanVersion {
  return {
    tenantId,
    planId,
    version,
    kind: version === 1 ? 'weekly' : 'replan',
    horizon: {
      from: `${SEED_WEEK[0]}T05:00:00.000Z`,
      until: '2026-12-12T05:00:00.000Z',
      timeZone: 'America/New_York',
      days: SEED_WEEK,
    },
    createdAt: new Date().toISOString(),
    basedOnVersion: version === 1 ? null : version - 1,
    cause: null,
    freezeTime: null,
    // Delivery never reads the solver's figures.
    solver: { checkerViolations: 0 } as unknown as PlanVersion['solver'],
    objective: {} as PlanVersion['objective'],
    travel: {
      source: 'great-circle',
      fallback: false,
      fallbackReason: null,
      estimatedPairs: 0,
      cacheHits: 0,
      cacheMisses: 0,
      billedElements: 0,
    },
    providerDays,
    unserved: [],
  };
}

/** Stands for dispatch-plan's stored versions. */
export class InMemoryPlans extends PlanReader {
  private readonly versions = new Map<string, PlanVersion>();

  store(plan: PlanVersion): void {
    this.versions.set(`${plan.tenantId}|${plan.planId}|${plan.version}`, plan);
  }

  version(tenantId: string, planId: string, version: number): Promise<PlanVersion | null> {
    return Promise.resolve(this.versions.get(`${tenantId}|${planId}|${version}`) ?? null);
  }

  currentForDay(): Promise<PlanVersion | null> {
    return Promise.resolve(null);
  }
}

/** Stands for dispatch-plan's roster module. */
export class InMemoryRoster implements RosterReader {
  constructor(readonly all: RosterProvider[]) {}

  provider(tenantId: string, providerId: string): Promise<RosterProvider | null> {
    return Promise.resolve(
      this.all.find((p) => p.tenantId === tenantId && p.providerId === providerId) ?? null,
    );
  }

  providers(tenantId: string, providerIds: readonly string[]): Promise<RosterProvider[]> {
    return Promise.resolve(
      this.all.filter((p) => p.tenantId === tenantId && providerIds.includes(p.providerId)),
    );
  }

  providerBySlackUserId(tenantId: string, slackUserId: string): Promise<RosterProvider | null> {
    return Promise.resolve(
      this.all.find(
        (p) =>
          p.tenantId === tenantId &&
          p.delivery.channel.kind === 'slack' &&
          p.delivery.channel.slackUserId === slackUserId,
      ) ?? null,
    );
  }
}

/** Stands for dispatch-plan's exceptions queue: records reports, one per dedupe key. */
export class RecordingExceptions extends DispatchExceptionReporter {
  readonly reported = new Map<string, DispatchExceptionInput>();

  report(exception: DispatchExceptionInput): Promise<void> {
    this.reported.set(exception.dedupeKey, exception);
    return Promise.resolve();
  }
}
