import { type CoordinatorEscalation } from './coordinator-escalation';

/** The one summary coordinators get per call-out. */
export function callOutEscalation(input: {
  readonly tenantId: string;
  readonly callOutId: string;
  readonly providerName: string;
  readonly backupNames: readonly string[];
  readonly reassigned: number;
  readonly rescheduleNeeded: number;
  readonly planVersion: number;
}): CoordinatorEscalation {
  return {
    tenantId: input.tenantId,
    kind: 'call-out',
    dedupeKey: `call-out:${input.callOutId}`,
    title: `${input.providerName} called out`,
    facts: [
      ['Visits reassigned', String(input.reassigned)],
      [
        'Backup providers notified',
        input.backupNames.length > 0 ? input.backupNames.join(', ') : 'none',
      ],
      ['Patients to reschedule', String(input.rescheduleNeeded)],
      ['Plan version', String(input.planVersion)],
    ],
  };
}

export function failedDeliveryEscalation(input: {
  readonly tenantId: string;
  readonly deliveryKey: string;
  readonly providerName: string;
  readonly channel: string;
  readonly days: readonly string[];
  readonly errorCode: string;
}): CoordinatorEscalation {
  return {
    tenantId: input.tenantId,
    kind: 'delivery-failed',
    dedupeKey: input.deliveryKey,
    title: `Itinerary not delivered to ${input.providerName}`,
    facts: [
      ['Channel', input.channel],
      ['Days', input.days.join(', ')],
      ['Error', input.errorCode],
    ],
  };
}

export function unservedEscalation(input: {
  readonly tenantId: string;
  readonly planId: string;
  readonly planVersion: number;
  readonly unserved: readonly {
    readonly patientDisplayName: string;
    readonly visitType: string;
    readonly reason: string;
  }[];
}): CoordinatorEscalation {
  const byReason = new Map<string, number>();
  for (const u of input.unserved) byReason.set(u.reason, (byReason.get(u.reason) ?? 0) + 1);
  return {
    tenantId: input.tenantId,
    kind: 'unserved',
    dedupeKey: `unserved:${input.planId}:${input.planVersion}`,
    title: `${input.unserved.length} appointments could not be planned`,
    facts: [...byReason]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, n]) => [reason, String(n)] as const),
  };
}
