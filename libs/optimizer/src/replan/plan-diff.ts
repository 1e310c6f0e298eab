import type { Solution, UnservedAppointment } from '../model';
import type { AssignmentChange, NoLongerServed, ReplanResult, RetimedVisit } from './replan-types';
import type { PreparedReplan } from './residual-problem';

/** Seconds; starts closer than this are the same start (float sums of travel). */
const SAME_START = 1e-3;

interface Visit {
  readonly providerId: string;
  readonly start: number;
}

function visitsOf(solution: Solution): Map<string, Visit> {
  const visits = new Map<string, Visit>();
  for (const i of solution.itineraries)
    for (const s of i.stops)
      visits.set(s.appointmentId, { providerId: i.providerId, start: s.start });
  return visits;
}

/** What changed between the old plan and the new one, from the coordinator's point of view. */
export function diffPlans(
  prepared: PreparedReplan,
  oldPlan: Solution,
  newPlan: Solution,
): Omit<ReplanResult, 'problem' | 'solution'> {
  const before = visitsOf(oldPlan);
  const after = visitsOf(newPlan);
  const reasonNow = new Map(newPlan.unserved.map((u) => [u.appointmentId, u.reason]));
  const cancelled = new Set(prepared.cancelledAppointmentIds);
  const added = new Set(prepared.addedAppointmentIds);

  const changedAssignments: AssignmentChange[] = [];
  const retimed: RetimedVisit[] = [];
  const noLongerServed: NoLongerServed[] = [];
  let unchanged = 0;
  for (const [appointmentId, old] of before) {
    if (cancelled.has(appointmentId)) continue;
    const now = after.get(appointmentId);
    if (now === undefined) {
      changedAssignments.push({
        appointmentId,
        fromProviderId: old.providerId,
        toProviderId: null,
      });
      noLongerServed.push({
        appointmentId,
        reason: reasonNow.get(appointmentId) ?? 'NO_ROOM_IN_PLAN',
        previousProviderId: old.providerId,
      });
    } else if (now.providerId !== old.providerId) {
      changedAssignments.push({
        appointmentId,
        fromProviderId: old.providerId,
        toProviderId: now.providerId,
      });
    } else if (Math.abs(now.start - old.start) > SAME_START) {
      retimed.push({
        appointmentId,
        providerId: old.providerId,
        fromStart: old.start,
        toStart: now.start,
      });
    } else unchanged++;
  }
  const newlyServed = [...after.keys()].filter((id) => !before.has(id));
  const stillUnserved: UnservedAppointment[] = newPlan.unserved.filter(
    (u) => !before.has(u.appointmentId) && !added.has(u.appointmentId),
  );
  const addedUnserved = newPlan.unserved.filter((u) => added.has(u.appointmentId));
  return {
    frozenAppointmentIds: prepared.frozenAppointmentIds,
    changedAssignments,
    retimed,
    noLongerServed,
    newlyServed,
    stillUnserved,
    addedUnserved,
    cancelledAppointmentIds: prepared.cancelledAppointmentIds,
    startedCancellationIds: prepared.startedCancellationIds,
    summary: {
      changedAssignments: changedAssignments.length,
      changedProvider: changedAssignments.length - noLongerServed.length,
      noLongerServed: noLongerServed.length,
      retimed: retimed.length,
      unchanged,
      newlyServed: newlyServed.length,
      stillUnserved: stillUnserved.length,
      cancelled: prepared.cancelledAppointmentIds.length,
    },
  };
}
