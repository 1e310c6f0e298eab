import { type EventPayloadInit, timestampFromDate } from '@caredispatch/contracts';

import { type FhirResource } from '../ehr-fhir/fhir-client.port';

export interface SlotSnapshotContent {
  readonly ehrScheduleId: string;
  readonly payload: EventPayloadInit<'EhrFreeSlotsV1'>;
  /** What makes two snapshots equal (everything but when they were observed). */
  readonly fingerprint: unknown;
}

/** A Schedule and its free Slots → the `ehr.slot.v1` payload, ids, codes and times only. */
export function freeSlotsSnapshot(
  schedule: FhirResource,
  slots: readonly FhirResource[],
  window: { windowStart: Date; windowEnd: Date },
): SlotSnapshotContent {
  const actors = arrayOf(schedule.actor).flatMap((actor) => {
    const reference = isObject(actor) ? actor.reference : undefined;
    return typeof reference === 'string' ? [reference] : [];
  });
  const idsOf = (type: string) =>
    actors
      .filter((reference) => reference.startsWith(`${type}/`))
      .map((reference) => reference.slice(type.length + 1));
  const free = slots
    .flatMap((slot) => {
      const start = Date.parse(String(slot.start));
      const end = Date.parse(String(slot.end));
      if (slot.status !== 'free' || Number.isNaN(start) || Number.isNaN(end) || end < start)
        return [];
      return [
        {
          slotId: slot.id,
          start,
          end,
          codes: codesOf([slot.appointmentType, ...arrayOf(slot.serviceType)]),
        },
      ];
    })
    .sort((a, b) => a.start - b.start);
  const fingerprint = {
    schedule: schedule.id,
    actors,
    codes: codesOf(arrayOf(schedule.serviceType)),
    slots: free,
  };
  return {
    ehrScheduleId: schedule.id,
    fingerprint,
    payload: {
      ehrScheduleId: schedule.id,
      ehrPractitionerIds: idsOf('Practitioner'),
      ehrLocationIds: idsOf('Location'),
      appointmentTypeCodes: codesOf(arrayOf(schedule.serviceType)),
      windowStart: timestampFromDate(window.windowStart),
      windowEnd: timestampFromDate(window.windowEnd),
      slots: free.map((slot) => ({
        slotId: slot.slotId,
        start: timestampFromDate(new Date(slot.start)),
        end: timestampFromDate(new Date(slot.end)),
        appointmentTypeCodes: slot.codes,
      })),
    },
  };
}

function codesOf(concepts: readonly unknown[]): string[] {
  return concepts.flatMap((concept) =>
    isObject(concept)
      ? arrayOf(concept.coding).flatMap((coding) =>
          isObject(coding) && typeof coding.code === 'string' ? [coding.code] : [],
        )
      : [],
  );
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
