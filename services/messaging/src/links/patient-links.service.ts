import { createHash } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import {
  type EventEnvelope,
  ResponseSource,
  type ScheduledAppointment,
  StaffInboxItemKind,
  timestampDate,
  timestampFromDate,
} from '@caredispatch/contracts';
import { inJobTransaction, inTenantTransaction, OutboxWriter } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { isConsented } from '../consent/consent-rules';
import { ConsentChannelKind } from '../consent/consent.entity';
import { ConsentRepository } from '../consent/consent.repository';
import { LINK_DIGEST_SETTING, MessagingJobs } from '../message/messaging-jobs';

import { earlierTimeRequestedEvent } from './earlier-time-request';
import { type FreeSlot, FreeSlotFinder } from './free-slots.port';
import { linkOpenedEvent, type PageRoute } from './link-opened';
import {
  hashLinkToken,
  digestsEqual,
  LINK_PATH_PREFIX,
  newLinkToken,
  OFFER_LINK_PATH_PREFIX,
  signFormToken,
  verifyFormToken,
} from './link-token';
import {
  AnswerKind,
  type CancelReasonCode,
  CONTRACT_CANCEL_REASON,
  CONTRACT_KIND,
  FINAL_ANSWERS,
} from './patient-answer';
import { LinkPurpose, LinkRevocation } from './patient-link.entity';
import {
  type AppointmentView,
  PatientLinkRepository,
  type StoredAnswer,
  type StoredLink,
} from './patient-link.repository';
import { staffInboxItem } from './staff-inbox';

/** The reschedule page offers at most this many free slots … */
export const MAX_OFFERED_SLOTS = 10;
/** … starting within this window from now. */
export const SLOT_WINDOW_MS = 14 * 24 * 60 * 60_000;
/** A page's forms work this long after the page was rendered. */
export const FORM_MAX_AGE_MS = 2 * 60 * 60_000;

export type LinkAction =
  | { readonly kind: AnswerKind.Confirmed }
  | { readonly kind: AnswerKind.Cancelled; readonly reason: CancelReasonCode | null }
  | { readonly kind: AnswerKind.Rescheduled; readonly slotId: string }
  | { readonly kind: AnswerKind.RescheduleRequested }
  | { readonly kind: AnswerKind.EarlierRequested };

/** What the page shows for a token. */
export type LinkPage =
  /** Unknown, malformed, forged, expired or revoked by a cancellation: all look the same. */
  | { readonly view: 'neutral' }
  /** The link is for an older revision: the appointment as it is now, no actions. */
  | {
      readonly view: 'changed';
      readonly linkId: string;
      readonly correlationId: string;
      readonly appointment: AppointmentView;
    }
  | {
      readonly view: 'open';
      readonly linkDigest: Buffer;
      readonly linkId: string;
      readonly correlationId: string;
      readonly appointment: AppointmentView;
      readonly answers: readonly StoredAnswer[];
    };

/** A link whose URL a message prints; stored only with the message (see `prepare`). */
export interface PreparedLink {
  readonly url: string;
  readonly row: Omit<StoredLink, 'id' | 'revokedReason'>;
}

export type ActionOutcome =
  | { readonly outcome: 'page'; readonly page: LinkPage }
  /** The form was not one this link's page produced (CSRF), or it is too old. */
  | { readonly outcome: 'form_rejected' }
  /** The chosen slot is no longer offered (taken meanwhile): choose again. */
  | { readonly outcome: 'slot_unavailable' }
  | { readonly outcome: 'answered'; readonly newAnswer: boolean };

/**
 * One-tap links: issued with a message, revoked when the appointment changes, resolved for the
 * patient page, and answered through it. Answers are patient responses on
 * `messaging.patient-response.v1` (source LINK_PAGE), staged in the outbox with the row that
 * makes them idempotent.
 */
@Injectable()
export class PatientLinksService {
  private readonly logger = new Logger(PatientLinksService.name);
  private readonly key: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    private readonly links: PatientLinkRepository,
    private readonly slots: FreeSlotFinder,
    private readonly outbox: OutboxWriter,
    private readonly consents: ConsentRepository,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {
    // A fixed-length key from the configured secret, whatever its length.
    this.key = createHash('sha256').update(config.LINK_TOKEN_SECRET.reveal()).digest();
  }

  /**
   * A new link for the message `input.messageId` about an appointment: the URL to print in the
   * message, not stored yet. `store` it in the transaction that inserted the message, once the
   * insert succeeded: link and message commit together, and a message that turns out to be a
   * duplicate (or is not rendered) leaves no link row behind.
   */
  prepare(input: {
    tenantId: string;
    appointmentId: string;
    revision: number;
    start: Date;
    messageId: string;
    correlationId: string;
    /** A waitlist offer's link (`/o/`, `appointmentId` = the offer id); else an appointment's. */
    purpose?: LinkPurpose;
    /** Default: the configured time before the visit starts. */
    expiresAt?: Date;
  }): PreparedLink {
    const token = newLinkToken();
    const purpose = input.purpose ?? LinkPurpose.Appointment;
    const prefix = purpose === LinkPurpose.Appointment ? LINK_PATH_PREFIX : OFFER_LINK_PATH_PREFIX;
    return {
      url: `${this.config.LINK_BASE_URL ?? this.config.PUBLIC_BASE_URL}${prefix}/${token}`,
      row: {
        tenantId: input.tenantId,
        tokenDigest: hashLinkToken(this.key, token),
        appointmentId: input.appointmentId,
        appointmentRevision: input.revision,
        messageId: input.messageId,
        correlationId: input.correlationId,
        expiresAt:
          input.expiresAt ??
          new Date(input.start.getTime() - this.config.LINK_EXPIRY_BEFORE_START_MS),
        purpose,
      },
    };
  }

  /** Stores a prepared link, after its message row was inserted in the same transaction. */
  async store(manager: EntityManager, link: PreparedLink): Promise<void> {
    await this.links.insertLink(manager, { ...link.row, now: this.clock.now() });
  }

  /**
   * Records the appointment as scheduling published it (the page shows the newest revision)
   * and revokes links to older revisions. Runs in the consumer's transaction, before any link
   * for this revision is issued.
   */
  async recordAppointment(
    manager: EntityManager,
    envelope: EventEnvelope,
    appointment: ScheduledAppointment,
    cancelled: boolean,
  ): Promise<void> {
    if (!appointment.start || !appointment.end || !appointment.location) return;
    const now = this.clock.now();
    const address = appointment.location.address;
    const stored = await this.links.upsertAppointment(
      manager,
      {
        tenantId: envelope.tenantId,
        appointmentId: appointment.appointmentId,
        revision: appointment.revision,
        ehrAppointmentId: appointment.ehrAppointmentId,
        practiceName: this.config.PRACTICE_NAMES.get(envelope.tenantId) ?? appointment.practiceName,
        start: timestampDate(appointment.start),
        end: timestampDate(appointment.end),
        timeZone: appointment.location.timeZone,
        locationId: appointment.location.locationId,
        locationName: appointment.location.name,
        addressLines: address
          ? [
              ...address.lines,
              [address.city, [address.state, address.postalCode].filter(Boolean).join(' ')]
                .filter(Boolean)
                .join(', '),
            ].filter((line) => line.trim() !== '')
          : [],
        providerId: appointment.provider?.providerId ?? '',
        providerDisplayName: appointment.provider?.displayName ?? '',
        ehrPractitionerId: appointment.provider?.ehrPractitionerId ?? '',
        ehrLocationId: appointment.location.ehrLocationId,
        appointmentTypeCode: appointment.appointmentTypeCode,
        cancelled,
        patientLanguage: appointment.patient?.preferredLanguage ?? null,
      },
      now,
    );
    if (!stored) return;
    const revoked = await this.links.revokeBefore(manager, {
      tenantId: envelope.tenantId,
      appointmentId: appointment.appointmentId,
      revision: appointment.revision,
      reason: cancelled ? LinkRevocation.AppointmentCancelled : LinkRevocation.AppointmentMoved,
      now,
    });
    if (revoked > 0) {
      this.logger.log({
        message: 'patient links revoked',
        eventId: envelope.eventId,
        appointmentId: appointment.appointmentId,
        revoked,
      });
    }
  }

  /** What the page shows for a token (after an answer, too). Reads only. */
  async page(token: string): Promise<LinkPage> {
    const digest = hashLinkToken(this.key, token);
    const tenantId = await this.tenantOf(digest);
    if (tenantId === undefined) return { view: 'neutral' };
    return inTenantTransaction(this.dataSource, tenantId, (manager) =>
      this.resolve(manager, digest, this.clock.now()),
    );
  }

  /**
   * What a GET shows: opening a link (or a scanner prefetching it) changes nothing. A page that
   * shows a visit is recorded as a read of it ("link opened", see `linkOpenedEvent`) in the
   * transaction that read it; a neutral page shows nothing and records nothing.
   */
  async open(token: string, route: PageRoute): Promise<LinkPage> {
    const digest = hashLinkToken(this.key, token);
    const tenantId = await this.tenantOf(digest);
    if (tenantId === undefined) return { view: 'neutral' };
    return inTenantTransaction(this.dataSource, tenantId, async (manager) => {
      const page = await this.resolve(manager, digest, this.clock.now());
      if (page.view !== 'neutral') {
        await this.outbox.append(
          manager,
          linkOpenedEvent({
            tenantId,
            linkId: page.linkId,
            appointmentId: page.appointment.appointmentId,
            correlationId: page.correlationId,
            route,
          }),
        );
      }
      return page;
    });
  }

  /** The anti-forgery value the page's forms carry. */
  formToken(page: LinkPage & { view: 'open' }): string {
    return signFormToken(this.key, page.linkDigest, this.clock.now());
  }

  /**
   * For pages other than the appointment's (a waitlist offer's): runs `work` in the link's
   * tenant transaction when `token` names a link of `purpose` that has not expired; undefined
   * for every other token, which the caller shows as the neutral page. Same lookup, timing and
   * job policy as the appointment page.
   */
  async withLiveLink<T>(
    token: string,
    purpose: LinkPurpose,
    work: (manager: EntityManager, link: StoredLink) => Promise<T>,
  ): Promise<T | undefined> {
    const digest = hashLinkToken(this.key, token);
    const tenantId = await this.tenantOf(digest);
    if (tenantId === undefined) return undefined;
    return inTenantTransaction(this.dataSource, tenantId, async (manager) => {
      const link = await this.links.findLinkByDigest(manager, digest);
      const live =
        link !== undefined &&
        digestsEqual(link.tokenDigest, digest) &&
        link.purpose === purpose &&
        link.revokedReason === null &&
        this.clock.now() < link.expiresAt;
      return live ? work(manager, link) : undefined;
    });
  }

  /** The anti-forgery value for a form of `link`'s page (see signFormToken). */
  formTokenFor(link: StoredLink): string {
    return signFormToken(this.key, link.tokenDigest, this.clock.now());
  }

  /** Whether a posted anti-forgery value came from `link`'s page, recently enough. */
  formTokenValid(link: StoredLink, formToken: unknown): boolean {
    return verifyFormToken(
      this.key,
      link.tokenDigest,
      formToken,
      this.clock.now(),
      FORM_MAX_AGE_MS,
    );
  }

  /** The free slots the reschedule page offers for an open link. */
  async offeredSlots(page: LinkPage & { view: 'open' }): Promise<FreeSlot[]> {
    return inTenantTransaction(this.dataSource, page.appointment.tenantId, (manager) =>
      this.findSlots(manager, page.appointment, this.clock.now()),
    );
  }

  /** An answer through the page's form: at most one response per link and kind. */
  async answer(token: string, formToken: unknown, action: LinkAction): Promise<ActionOutcome> {
    const digest = hashLinkToken(this.key, token);
    const tenantId = await this.tenantOf(digest);
    if (tenantId === undefined) return { outcome: 'page', page: { view: 'neutral' } };
    return inTenantTransaction(this.dataSource, tenantId, async (manager) => {
      const now = this.clock.now();
      const page = await this.resolve(manager, digest, now);
      if (page.view !== 'open') return { outcome: 'page', page };
      if (!verifyFormToken(this.key, page.linkDigest, formToken, now, FORM_MAX_AGE_MS)) {
        return { outcome: 'form_rejected' };
      }
      const link = await this.links.lockLink(manager, page.linkId);
      if (!link) return { outcome: 'page', page: { view: 'neutral' } };
      const answers = await this.links.answersOf(manager, link.id);
      if (answers.some((answer) => FINAL_ANSWERS.has(answer.kind))) {
        return { outcome: 'answered', newAnswer: false };
      }
      if (action.kind === AnswerKind.EarlierRequested) {
        return this.requestEarlierTime(manager, link, page.appointment, now);
      }
      let slot: FreeSlot | undefined;
      if (action.kind === AnswerKind.Rescheduled) {
        slot = (await this.findSlots(manager, page.appointment, now)).find(
          (offered) => offered.slotId === action.slotId,
        );
        if (!slot) return { outcome: 'slot_unavailable' };
      }
      const cancellationReason = action.kind === AnswerKind.Cancelled ? action.reason : null;
      const responseId = await this.links.insertResponseIfAbsent(manager, {
        tenantId: link.tenantId,
        linkId: link.id,
        appointmentId: link.appointmentId,
        appointmentRevision: link.appointmentRevision,
        kind: action.kind,
        slotId: slot?.slotId ?? null,
        newStart: slot?.start ?? null,
        newEnd: slot?.end ?? null,
        cancellationReason,
        now,
      });
      if (responseId === undefined) return { outcome: 'answered', newAnswer: false };
      if (action.kind === AnswerKind.RescheduleRequested) {
        await this.links.insertStaffInboxEntry(manager, {
          tenantId: link.tenantId,
          appointmentId: link.appointmentId,
          kind: 'call_back_requested',
          responseId,
          now,
        });
        // The same staff inbox an SMS "2" reaches (messaging.staff-inbox.v1).
        await this.outbox.append(
          manager,
          staffInboxItem({
            tenantId: link.tenantId,
            appointmentId: link.appointmentId,
            correlationId: link.correlationId,
            kind: StaffInboxItemKind.RESCHEDULE_REQUESTED,
            responseId,
            now,
          }),
        );
      }
      await this.outbox.append(manager, {
        type: 'PatientRespondedV1',
        tenantId: link.tenantId,
        aggregateId: link.appointmentId,
        correlationId: link.correlationId,
        payload: {
          responseId,
          appointmentId: link.appointmentId,
          ehrAppointmentId: page.appointment.ehrAppointmentId,
          appointmentRevision: link.appointmentRevision,
          kind: CONTRACT_KIND[action.kind],
          source: ResponseSource.LINK_PAGE,
          respondedAt: timestampFromDate(now),
          messageId: link.messageId ?? '',
          slotId: slot?.slotId ?? '',
          newStart: slot ? timestampFromDate(slot.start) : undefined,
          newEnd: slot ? timestampFromDate(slot.end) : undefined,
          cancellationReason: cancellationReason
            ? CONTRACT_CANCEL_REASON[cancellationReason]
            : undefined,
        },
      });
      // Ids and codes only.
      this.logger.log({
        message: 'patient answered through link',
        responseId,
        appointmentId: link.appointmentId,
        kind: action.kind,
      });
      return { outcome: 'answered', newAnswer: true };
    });
  }

  /**
   * "Ask for an earlier time": one request per link (a second press finds the row and stages
   * nothing), handed to the waitlist as PatientRequestedEarlierTimeV1 in the same transaction;
   * the visit itself does not change and nothing goes to the EHR. The waitlist merges it into
   * the patient's open entry for the type when there is one.
   */
  private async requestEarlierTime(
    manager: EntityManager,
    link: StoredLink,
    appointment: AppointmentView,
    now: Date,
  ): Promise<ActionOutcome> {
    const patientId = await this.links.patientOfAppointment(
      manager,
      link.tenantId,
      link.appointmentId,
      link.messageId,
    );
    if (patientId === undefined) {
      // No message names the patient: nobody to put on the list (ids only in the log).
      this.logger.warn({
        message: 'earlier time not requested: patient unknown',
        appointmentId: link.appointmentId,
      });
      return { outcome: 'page', page: await this.resolve(manager, link.tokenDigest, now) };
    }
    const responseId = await this.links.insertResponseIfAbsent(manager, {
      tenantId: link.tenantId,
      linkId: link.id,
      appointmentId: link.appointmentId,
      appointmentRevision: link.appointmentRevision,
      kind: AnswerKind.EarlierRequested,
      slotId: null,
      newStart: null,
      newEnd: null,
      cancellationReason: null,
      now,
    });
    if (responseId === undefined) return { outcome: 'answered', newAnswer: false };
    // A snapshot, read without locking: the sender reads consent again before any offer goes.
    const records = await this.consents.findForPatient(manager, link.tenantId, patientId);
    const consented = (channel: ConsentChannelKind): boolean =>
      isConsented(
        records.find((record) => record.channel === channel),
        false,
      );
    await this.outbox.append(
      manager,
      earlierTimeRequestedEvent({
        requestId: responseId,
        appointment,
        patientId,
        smsConsent: consented(ConsentChannelKind.Sms),
        emailConsent: consented(ConsentChannelKind.Email),
        messageId: link.messageId,
        correlationId: link.correlationId,
        now,
      }),
    );
    this.logger.log({
      message: 'patient asked for an earlier time through link',
      responseId,
      appointmentId: link.appointmentId,
    });
    return { outcome: 'answered', newAnswer: true };
  }

  /**
   * The tenant a token belongs to, looked up as the `patient-link` job: the token names no
   * tenant, and that job may read the one link row whose digest this transaction names (see
   * migration 1796100000001). Every unknown, malformed or forged token does the same work (one
   * digest, one indexed lookup) and ends in the same neutral page, so neither the answer nor
   * its timing tells a guesser whether a token ever existed.
   */
  private async tenantOf(digest: Buffer): Promise<string | undefined> {
    return inJobTransaction(this.dataSource, MessagingJobs.PatientLink, async (manager) => {
      await manager.query(`SELECT set_config('${LINK_DIGEST_SETTING}', $1, true)`, [
        digest.toString('hex'),
      ]);
      const link = await this.links.findLinkByDigest(manager, digest);
      return link && digestsEqual(link.tokenDigest, digest) ? link.tenantId : undefined;
    });
  }

  /** The page for a link of the transaction's tenant (expired, revoked … look unknown). */
  private async resolve(manager: EntityManager, digest: Buffer, now: Date): Promise<LinkPage> {
    const link = await this.links.findLinkByDigest(manager, digest);
    if (!link || !digestsEqual(link.tokenDigest, digest) || now >= link.expiresAt) {
      return { view: 'neutral' };
    }
    // An offer's link opens the offer page (`/o/`), never this one.
    if (link.purpose !== LinkPurpose.Appointment) return { view: 'neutral' };
    const appointment = await this.links.findAppointment(
      manager,
      link.tenantId,
      link.appointmentId,
    );
    if (!appointment) return { view: 'neutral' };
    const answers = await this.links.answersOf(manager, link.id);
    const found = { linkDigest: digest, linkId: link.id, correlationId: link.correlationId };
    if (appointment.cancelled) {
      // The patient who cancelled here still sees their done page; anyone else, nothing.
      return answers.some((answer) => answer.kind === AnswerKind.Cancelled)
        ? { view: 'open', ...found, appointment, answers }
        : { view: 'neutral' };
    }
    if (isStale(link, appointment)) {
      return appointment.start > now
        ? { view: 'changed', linkId: link.id, correlationId: link.correlationId, appointment }
        : { view: 'neutral' };
    }
    return { view: 'open', ...found, appointment, answers };
  }

  private async findSlots(
    manager: EntityManager,
    appointment: AppointmentView,
    now: Date,
  ): Promise<FreeSlot[]> {
    return this.slots.find(manager, {
      tenantId: appointment.tenantId,
      ehrPractitionerId: appointment.ehrPractitionerId,
      ehrLocationId: appointment.ehrLocationId,
      appointmentTypeCode: appointment.appointmentTypeCode,
      from: now,
      to: new Date(now.getTime() + SLOT_WINDOW_MS),
      limit: MAX_OFFERED_SLOTS,
      excludeStart: appointment.start,
    });
  }
}

function isStale(link: StoredLink, appointment: AppointmentView): boolean {
  return (
    link.revokedReason === LinkRevocation.AppointmentMoved ||
    link.appointmentRevision < appointment.revision
  );
}
