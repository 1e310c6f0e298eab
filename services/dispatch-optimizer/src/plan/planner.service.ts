import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DateTime } from 'luxon';
import { DataSource, type EntityManager } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';
import {
  checkSolution,
  type Appointment,
  type MatrixTravelSpec,
  type PlanChange,
  type Problem,
  type ReplanResult,
  type Solution,
} from '@caredispatch/optimizer';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type DispatchAppointmentEntity } from '../appointments/dispatch-appointment.entity';
import { DispatchAppointmentRepository } from '../appointments/dispatch-appointment.repository';
import { type DispatchOptimizerConfig } from '../config';
import { DispatchError, DispatchErrorCode } from '../dispatch.errors';
import { AssignmentWriteBackService } from '../ehr-write-back/assignment-write-back.service';
import { ExceptionsService } from '../exceptions/exceptions.service';
import { RosterRepository } from '../roster/roster.repository';
import { TenantSettingsService } from '../settings/tenant-settings.service';
import { GeocodingService } from '../travel/geocoding.service';
import { TravelTimeService } from '../travel/travel-time.service';

import { type ProblemWindow } from './booking-replan';
import { changedProviderDays } from './plan-delta';
import { PlanEvents } from './plan-events';
import { inPlanPhase } from './plan-phase';
import { PlanRepository } from './plan.repository';
import {
  type AppointmentInput,
  appointmentMeta,
  buildProblem,
  horizonOf,
  localDay,
  type PlanInputs,
  toProviderDays,
} from './problem-builder';
import { SolverThread } from './solver-thread';

import type { CallOutOutcome } from '../call-outs/call-out.model';
import type { DispatchExceptionInput } from '../exceptions/dispatch-exception.model';
import type {
  PlanChangeCause,
  PlanKind,
  PlanTravelTimeSource,
  PlanVersion,
  UnservedPlanAppointment,
} from './plan.model';

/** Why the optimizer's checker refused a plan: never stored, never published. */
export class PlanCheckFailedError extends Error {}

export interface ReplanOutcome {
  readonly plan: PlanVersion;
  readonly result: ReplanResult;
}

/**
 * Makes and revises plans: loads roster and appointments, asks the travel-time port for a matrix,
 * runs the optimizer, requires its checker to accept the plan, stores the version with its
 * inputs and publishes `dispatch.plan.v1` through the outbox in the same transaction (with the
 * EHR write-back requests of its changed assignments, for tenants that enabled write-back).
 */
@Injectable()
export class PlannerService {
  private readonly logger = new Logger(PlannerService.name);
  /** One plan change at a time per tenant in this process (the version number is the real guard). */
  private readonly tenantQueues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly plans: PlanRepository,
    private readonly events: PlanEvents,
    private readonly roster: RosterRepository,
    private readonly appointments: DispatchAppointmentRepository,
    private readonly settings: TenantSettingsService,
    private readonly travel: TravelTimeService,
    private readonly geocoding: GeocodingService,
    private readonly exceptions: ExceptionsService,
    private readonly ehrWriteBacks: AssignmentWriteBackService,
    @Inject(SERVICE_CONFIG) private readonly config: DispatchOptimizerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly solver: SolverThread,
  ) {}

  /** Serializes plan work per tenant so versions are made one after another. */
  exclusive<T>(tenantId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tenantQueues.get(tenantId) ?? Promise.resolve();
    const next = previous.then(work, work);
    this.tenantQueues.set(
      tenantId,
      next.catch(() => undefined),
    );
    return next;
  }

  /** A full run over `days` (practice-local `YYYY-MM-DD`, ascending). */
  run(
    tenantId: string,
    kind: Exclude<PlanKind, 'replan'>,
    days: readonly string[],
  ): Promise<PlanVersion> {
    return this.exclusive(tenantId, () => this.runNow(tenantId, kind, days));
  }

  private async runNow(
    tenantId: string,
    kind: Exclude<PlanKind, 'replan'>,
    days: readonly string[],
  ): Promise<PlanVersion> {
    const settings = await this.settings.get(tenantId);
    if (!settings) {
      throw new DispatchError(
        DispatchErrorCode.TenantNotConfigured,
        'Configure dispatch-settings first',
      );
    }
    const horizon = horizonOf(days, settings.timeZone);
    const span = { 'dispatch.tenant_id': tenantId, 'dispatch.plan_kind': kind };
    const { providers, rules, clinics, rows, appointmentInputs } = await inPlanPhase(
      'load',
      span,
      async () => {
        const [providers, rules, clinics] = await Promise.all([
          this.roster.providers(tenantId),
          this.roster.rules(tenantId),
          this.roster.clinics(tenantId),
        ]);
        const rows = await this.appointments.inRange(
          tenantId,
          new Date(horizon.from),
          new Date(horizon.until),
        );
        const homeTypes = new Set(
          rules.filter((rule) => rule.visitMode === 'home').map((rule) => rule.typeCode),
        );
        // One at a time: addresses are normally geocoded on arrival, and a burst of ~200 concurrent
        // look-ups starves the connection pool on a loaded host (acquire timeouts → 500).
        const appointmentInputs: AppointmentInput[] = [];
        for (const row of rows)
          appointmentInputs.push(
            await this.appointmentInput(tenantId, row, homeTypes.has(row.typeCode)),
          );
        return { providers, rules, clinics, rows, appointmentInputs };
      },
    );
    const built = await inPlanPhase('build', span, () =>
      buildProblem({
        horizon,
        providers: providers.filter((provider) => provider.active),
        rules,
        clinics,
        appointments: appointmentInputs,
      }),
    );
    const matrix = await inPlanPhase(
      'matrix',
      { ...span, 'dispatch.points': built.points.length },
      () =>
        this.travel.matrix({
          tenantId,
          points: built.points,
          groups: built.dayGroups,
          departure: departureOf(horizon.days[0], horizon.from),
        }),
    );
    const problem: Problem = {
      ...built.problem,
      travel: { kind: 'matrix', seconds: matrix.seconds, meters: matrix.meters },
    };
    const solution = await inPlanPhase(
      'solve',
      { ...span, 'dispatch.appointments': problem.appointments.length },
      () =>
        this.solver.solve(problem, {
          timeLimitMs: this.config.PLAN_TIME_LIMIT_MS,
          seed: 1,
          threads: 1,
        }),
    );
    await inPlanPhase('check', span, () => this.requireChecked(problem, solution));
    const inputs: PlanInputs = { ...built.inputs, problem, solution };
    const plan = this.planVersion({
      tenantId,
      planId: randomUUID(),
      version: 1,
      kind,
      inputs,
      basedOnVersion: null,
      cause: null,
      freezeTime: null,
      travel: matrix.source,
      frozen: new Set(),
      previousProviders: new Map(),
    });
    await inPlanPhase('store', span, async () => {
      await inTenantTransaction(this.dataSource, tenantId, async (manager) => {
        await this.plans.insert(manager, plan, inputs);
        await this.events.planPublished(manager, plan, changedProviderDays(null, plan), null);
        await this.ehrWriteBacks.requestFor(manager, plan);
        await this.exceptions.reportMany(this.planExceptions(plan), manager);
      });
      await this.appointments.markManyPlanned(tenantId, rows);
    });
    this.logger.log(
      `plan ${plan.planId} v1 (${kind}): ${plan.objective.servedCount} served, ${plan.unserved.length} unserved, ` +
        `${matrix.source.billedElements} elements billed, ${matrix.source.cacheHits} cache hits`,
    );
    return plan;
  }

  /**
   * Applies booking changes to the plan covering them (`replan`, freeze at now) and stores the
   * next version. Appointments outside every plan are left to the next run.
   */
  async applyAppointmentChange(row: DispatchAppointmentEntity): Promise<PlanVersion | null> {
    return this.exclusive(row.tenantId, async () => {
      // A full run may have planned this revision since the row was read.
      const fresh = await this.appointments.find(row.tenantId, row.appointmentId);
      if (!fresh || fresh.plannedRevision >= row.revision) return null;
      const planId = await this.plans.planIdCovering(row.tenantId, row.startAt);
      const stored = planId ? await this.plans.latest(row.tenantId, planId) : null;
      if (!stored) {
        // Booked ahead of any plan: geocode now (once, cached) so the weekly run does not wait on it.
        if (row.status === 'booked') await this.geocodeAhead(row);
        return null;
      }
      const { inputs } = stored;
      const inPlan = inputs.problem.appointments.some((a) => a.id === row.appointmentId);
      const changes: PlanChange[] = [];
      let cause: PlanChangeCause;
      let extended = inputs;
      if (inPlan) changes.push({ kind: 'appointment-cancelled', appointmentId: row.appointmentId });
      if (row.status === 'booked') {
        const rules = await this.roster.rules(row.tenantId);
        const rule = rules.find((candidate) => candidate.typeCode === row.typeCode);
        const input = await this.appointmentInput(row.tenantId, row, rule?.visitMode !== 'clinic');
        const added = await this.extendWith(row.tenantId, inputs, input, rules);
        extended = added.inputs;
        if (added.appointment)
          changes.push({ kind: 'appointment-added', appointment: added.appointment });
        cause = {
          kind: inPlan ? 'appointment-moved' : 'appointment-added',
          appointmentId: row.appointmentId,
        };
      } else {
        cause = { kind: 'appointment-cancelled', appointmentId: row.appointmentId };
      }
      const withoutOld: PlanInputs = {
        ...extended,
        preUnserved: extended.preUnserved.filter(
          (entry) => entry.appointmentId !== row.appointmentId || !inPlan,
        ),
      };
      const outcome = await this.revise(stored.plan, withoutOld, changes, cause, null);
      return outcome.plan;
    });
  }

  /**
   * Re-plans `stored` with `changes`, freezing everything that started before now, and stores and
   * publishes the result. Used for booking changes and call-outs (which pass their outcome builder).
   */
  async revise(
    previous: PlanVersion,
    inputs: PlanInputs,
    changes: readonly PlanChange[],
    cause: PlanChangeCause,
    callOut: ((result: ReplanResult, plan: PlanVersion) => CallOutOutcome) | null,
    afterStore?: (manager: EntityManager, plan: PlanVersion, result: ReplanResult) => Promise<void>,
  ): Promise<ReplanOutcome> {
    const origin = new Date(inputs.origin).getTime();
    const now = this.clock.now();
    const freezeTime = Math.max(0, Math.round((now.getTime() - origin) / 1000));
    const request = { problem: inputs.problem, plan: inputs.solution, changes, freezeTime };
    const options = { timeLimitMs: this.config.REPLAN_TIME_LIMIT_MS, seed: 1 };
    const span = { 'dispatch.tenant_id': previous.tenantId, 'dispatch.plan_kind': 'replan' };
    const result = await inPlanPhase('solve', span, () =>
      changes.length === 0
        ? null
        : cause.kind === 'call-out'
          ? this.solver.replan(request, { ...options, polish: true })
          : // Booking changes keep every other itinerary as sent (see replanBookingChange).
            this.solver.replanBookingChange(
              request,
              { ...options, polish: false },
              bookingDayOf(inputs, changes, origin),
            ),
    );
    const problem = result?.problem ?? inputs.problem;
    const solution = result?.solution ?? inputs.solution;
    await inPlanPhase('check', span, () => this.requireChecked(problem, solution));
    const nextInputs: PlanInputs = { ...inputs, problem, solution };
    const previousProviders = new Map(
      (result?.noLongerServed ?? []).map((entry) => [
        entry.appointmentId,
        entry.previousProviderId,
      ]),
    );
    const plan = this.planVersion({
      tenantId: previous.tenantId,
      planId: previous.planId,
      version: previous.version + 1,
      kind: previous.kind,
      inputs: nextInputs,
      basedOnVersion: previous.version,
      cause,
      freezeTime: now.toISOString(),
      travel: previous.travel,
      frozen: new Set(result?.frozenAppointmentIds ?? []),
      previousProviders,
    });
    const emptyResult = result ?? emptyReplanResult(problem, solution);
    const outcome = callOut ? callOut(emptyResult, plan) : null;
    await inPlanPhase('store', span, () =>
      inTenantTransaction(this.dataSource, previous.tenantId, async (manager) => {
        await this.plans.insert(manager, plan, nextInputs);
        await this.events.planPublished(
          manager,
          plan,
          changedProviderDays(previous, plan),
          outcome,
        );
        await this.ehrWriteBacks.requestFor(manager, plan);
        const newlyUnserved = plan.unserved.filter(
          (entry) =>
            !previous.unserved.some((before) => before.appointmentId === entry.appointmentId),
        );
        await this.exceptions.reportMany(
          newlyUnserved.map((entry) => unservedException(plan, entry)),
          manager,
        );
        if (afterStore) await afterStore(manager, plan, emptyResult);
      }),
    );
    return { plan, result: emptyResult };
  }

  private requireChecked(problem: Problem, solution: Solution): void {
    const violations = checkSolution(problem, solution);
    if (violations.length > 0) {
      throw new PlanCheckFailedError(
        `optimizer checker refused the plan: ${violations
          .slice(0, 3)
          .map((violation) => violation.code)
          .join(', ')}`,
      );
    }
  }

  private async geocodeAhead(row: DispatchAppointmentEntity): Promise<void> {
    if (row.geocodeStatus !== 'pending') return;
    const rules = await this.roster.rules(row.tenantId);
    const rule = rules.find((candidate) => candidate.typeCode === row.typeCode);
    if (rule?.visitMode === 'home') await this.appointmentInput(row.tenantId, row, true);
  }

  private async appointmentInput(
    tenantId: string,
    row: DispatchAppointmentEntity,
    needsCoordinates: boolean,
  ): Promise<AppointmentInput> {
    let coordinates = row.lat !== null && row.lon !== null ? { lat: row.lat, lon: row.lon } : null;
    let status = row.geocodeStatus;
    if (needsCoordinates && status === 'pending') {
      const result = await this.geocoding.geocode(tenantId, row.addressLine);
      if (result.kind === 'resolved') {
        coordinates = result.coordinates;
        status = 'resolved';
        await this.appointments.setGeocode(tenantId, row.appointmentId, coordinates, 'resolved');
      } else if (result.kind === 'unresolvable') {
        status = 'unresolvable';
        await this.appointments.setGeocode(tenantId, row.appointmentId, null, 'unresolvable');
      }
    }
    return {
      appointmentId: row.appointmentId,
      startAt: row.startAt,
      endAt: row.endAt,
      typeCode: row.typeCode,
      patientDisplayName: row.patientDisplayName,
      locationId: row.locationId,
      ehrLocationId: row.ehrLocationId,
      addressLine: row.addressLine,
      coordinates,
      geocodeStatus: status,
    };
  }

  /**
   * The previous inputs plus one appointment: its location (and matrix row/column from the
   * travel-time port, so only new pairs are billed) and metadata. Null appointment when it cannot
   * be planned (unknown type, not geocoded): it is listed as unserved instead.
   */
  private async extendWith(
    tenantId: string,
    inputs: PlanInputs,
    appointment: AppointmentInput,
    rules: Awaited<ReturnType<RosterRepository['rules']>>,
  ): Promise<{ inputs: PlanInputs; appointment: Appointment | null }> {
    const clinics = await this.roster.clinics(tenantId);
    const providers = await this.roster.providers(
      tenantId,
      inputs.problem.providers.map((provider) => provider.id),
    );
    // Build the single appointment against the same horizon; then graft it onto the stored problem.
    const single = buildProblem({
      horizon: inputs.horizon,
      providers,
      rules,
      clinics,
      appointments: [appointment],
    });
    const built = single.problem.appointments.at(0);
    const preUnserved = [
      ...inputs.preUnserved.filter((entry) => entry.appointmentId !== appointment.appointmentId),
      ...single.inputs.preUnserved,
    ];
    if (!built) return { inputs: { ...inputs, preUnserved }, appointment: null };
    const meta = single.inputs.appointments[appointment.appointmentId];
    const problem = inputs.problem;
    let location: number;
    let locations = problem.locations;
    let travel = problem.travel as MatrixTravelSpec;
    let addresses = inputs.locationAddresses;
    if (built.clinicId) {
      location = problem.clinics?.find((clinic) => clinic.id === built.clinicId)?.location ?? 0;
    } else {
      location = locations.length;
      locations = [
        ...locations,
        { id: `appointment:${appointment.appointmentId}`, coordinates: meta.address.coordinates },
      ];
      addresses = [...addresses, meta.address];
      const day = localDay(appointment.startAt, inputs.timeZone);
      const sameDay = problem.appointments
        .filter(
          (other) =>
            localDay(
              new Date(appointmentMeta(inputs, other.id)?.requestedStart ?? 0),
              inputs.timeZone,
            ) === day,
        )
        .map((other) => other.location);
      const fixedPoints = [
        ...problem.providers.map((provider) => provider.startLocation),
        ...(problem.clinics ?? []).map((clinic) => clinic.location),
      ];
      const matrix = await this.travel.matrix({
        tenantId,
        points: locations.map((entry) => entry.coordinates ?? { lat: 0, lon: 0 }),
        groups: [[...new Set([...fixedPoints, ...sameDay, location])]],
        departure: new Date(inputs.horizon.from),
      });
      const seconds = travel.seconds.map((row, i) => [...row, matrix.seconds[i][location]]);
      seconds.push(matrix.seconds[location]);
      const metersOld = travel.meters ?? travel.seconds;
      const meters = metersOld.map((row, i) => [...row, matrix.meters[i][location]]);
      meters.push(matrix.meters[location]);
      travel = { kind: 'matrix', seconds, meters };
    }
    return {
      inputs: {
        ...inputs,
        problem: { ...problem, locations, travel },
        locationAddresses: addresses,
        appointments: { ...inputs.appointments, [appointment.appointmentId]: meta },
        preUnserved,
      },
      appointment: { ...built, location },
    };
  }

  private planVersion(args: {
    tenantId: string;
    planId: string;
    version: number;
    kind: PlanKind;
    inputs: PlanInputs;
    basedOnVersion: number | null;
    cause: PlanChangeCause | null;
    freezeTime: string | null;
    travel: PlanTravelTimeSource;
    frozen: ReadonlySet<string>;
    previousProviders: ReadonlyMap<string, string>;
  }): PlanVersion {
    const { inputs } = args;
    const unserved: UnservedPlanAppointment[] = [
      ...inputs.preUnserved,
      ...inputs.solution.unserved.map((entry) => {
        const meta = inputs.appointments[entry.appointmentId];
        return {
          appointmentId: entry.appointmentId,
          patientDisplayName: meta.patientDisplayName,
          visitType: meta.visitType,
          visitMode: meta.visitMode,
          requestedStart: meta.requestedStart,
          reason: entry.reason,
          previousProviderId: args.previousProviders.get(entry.appointmentId) ?? null,
        };
      }),
    ];
    return {
      tenantId: args.tenantId,
      planId: args.planId,
      version: args.version,
      kind: args.version === 1 ? args.kind : 'replan',
      horizon: inputs.horizon,
      createdAt: this.clock.now().toISOString(),
      basedOnVersion: args.basedOnVersion,
      cause: args.cause,
      freezeTime: args.freezeTime,
      solver: { statistics: inputs.solution.statistics, checkerViolations: 0 },
      objective: inputs.solution.objective,
      travel: args.travel,
      providerDays: toProviderDays(inputs, inputs.problem, inputs.solution, args.frozen),
      unserved,
    };
  }

  private planExceptions(plan: PlanVersion): DispatchExceptionInput[] {
    const found = plan.unserved.map((entry) => unservedException(plan, entry));
    if (plan.travel.fallback) {
      found.push({
        tenantId: plan.tenantId,
        kind: 'travel-time-fallback',
        reason: plan.travel.fallbackReason ?? 'maps-unavailable',
        dedupeKey: `fallback:${plan.planId}:${plan.version}`,
        planId: plan.planId,
        planVersion: plan.version,
        detail: { estimatedPairs: plan.travel.estimatedPairs },
      });
    }
    return found;
  }
}

function unservedException(
  plan: PlanVersion,
  entry: UnservedPlanAppointment,
): DispatchExceptionInput {
  return {
    tenantId: plan.tenantId,
    kind: entry.reason === 'ADDRESS_NOT_GEOCODED' ? 'address-not-geocoded' : 'unserved',
    reason: entry.reason,
    dedupeKey: `unserved:${plan.planId}:${entry.appointmentId}:${entry.reason}`,
    planId: plan.planId,
    planVersion: plan.version,
    appointmentId: entry.appointmentId,
    detail: {
      patientDisplayName: entry.patientDisplayName,
      visitType: entry.visitType,
      requestedStart: entry.requestedStart,
    },
  };
}

/** 14:00 UTC on the first day (a US morning): the representative departure of the Maps bucket. */
function departureOf(day: string, fallback: string): Date {
  const date = new Date(`${day}T14:00:00.000Z`);
  return Number.isNaN(date.getTime()) ? new Date(fallback) : date;
}

/**
 * The practice day (problem seconds) of the visit a booking change adds, or of the visit it
 * cancels; null when neither is known.
 */
function bookingDayOf(
  inputs: PlanInputs,
  changes: readonly PlanChange[],
  origin: number,
): ProblemWindow | null {
  const id = changes.map((change) =>
    change.kind === 'appointment-added'
      ? change.appointment.id
      : change.kind === 'appointment-cancelled'
        ? change.appointmentId
        : undefined,
  )[changes.length - 1];
  if (id === undefined || !Object.hasOwn(inputs.appointments, id)) return null;
  const { requestedStart } = inputs.appointments[id];
  const day = localDay(new Date(requestedStart), inputs.timeZone);
  const start = DateTime.fromISO(day, { zone: inputs.timeZone });
  return {
    from: Math.round((start.toMillis() - origin) / 1000),
    until: Math.round((start.plus({ days: 1 }).toMillis() - origin) / 1000),
  };
}

function emptyReplanResult(problem: Problem, solution: Solution): ReplanResult {
  return {
    problem,
    solution,
    frozenAppointmentIds: [],
    changedAssignments: [],
    retimed: [],
    noLongerServed: [],
    newlyServed: [],
    stillUnserved: [],
    addedUnserved: [],
    cancelledAppointmentIds: [],
    startedCancellationIds: [],
    summary: {
      changedAssignments: 0,
      changedProvider: 0,
      noLongerServed: 0,
      retimed: 0,
      unchanged: 0,
      newlyServed: 0,
      stillUnserved: 0,
      cancelled: 0,
    },
  };
}
