import { Injectable, Logger } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  ConsentChannel as ContractConsentChannel,
  ConsentSource as ContractConsentSource,
  ConsentState as ContractConsentState,
  timestampFromDate,
} from '@caredispatch/contracts';
import { OutboxWriter } from '@caredispatch/kafka';

import { MessageEvents } from '../message/message-events';
import { MessageChannel } from '../message/message.entity';
import { MessageRepository } from '../message/message.repository';
import { WithdrawalReason } from '../message/withdrawal-reason';

import { isConsented, stateFromEhrFlag } from './consent-rules';
import {
  ConsentChannelKind,
  ConsentEntity,
  ConsentSourceKind,
  ConsentStateKind,
} from './consent.entity';
import { ConsentRepository } from './consent.repository';

export interface ConsentChange {
  readonly tenantId: string;
  readonly patientId: string;
  readonly channel: ConsentChannelKind;
  readonly state: ConsentStateKind;
  readonly source: ConsentSourceKind;
  /** The raw evidence: inbound message uuid, Twilio SID, event id. */
  readonly evidenceId: string;
  readonly now: Date;
  readonly correlationId?: string;
}

export interface ConsentChangeResult {
  /** False when the record already said so: nothing was written or published. */
  readonly changed: boolean;
  readonly withdrawnSends: number;
}

/**
 * Records consent changes: the row, the withdrawal of every pending send on the channel (in
 * the same transaction, so no text is claimed after the change commits) and the audited
 * messaging.consent.v1 event.
 */
@Injectable()
export class ConsentService {
  private readonly logger = new Logger(ConsentService.name);

  constructor(
    private readonly consents: ConsentRepository,
    private readonly messages: MessageRepository,
    private readonly messageEvents: MessageEvents,
    private readonly outbox: OutboxWriter,
  ) {}

  async change(manager: EntityManager, change: ConsentChange): Promise<ConsentChangeResult> {
    const current = await this.consents.lock(manager, change);
    if (current?.state === change.state) return { changed: false, withdrawnSends: 0 };
    const record = Object.assign(new ConsentEntity(), {
      tenantId: change.tenantId,
      patientId: change.patientId,
      channel: change.channel,
      state: change.state,
      changedAt: change.now,
      source: change.source,
      evidenceId: change.evidenceId,
    });
    await this.consents.upsert(manager, record);
    let withdrawnSends = 0;
    if (change.state === ConsentStateKind.Withdrawn) {
      const withdrawn = await this.messages.withdrawQueuedForPatient(manager, {
        tenantId: change.tenantId,
        patientId: change.patientId,
        channel: MESSAGE_CHANNEL[change.channel],
        now: change.now,
      });
      for (const message of withdrawn) {
        await this.messageEvents.withdrawn(manager, message, {
          reason: WithdrawalReason.ConsentWithdrawn,
          messageRevision: message.revision,
          appointmentRevision: message.revision,
        });
      }
      withdrawnSends = withdrawn.length;
    }
    // Previous state: the record's, or what the EHR flag implied (unknown → unspecified).
    const previous = current?.state;
    await this.outbox.append(manager, {
      type: 'ConsentChangedV1',
      tenantId: change.tenantId,
      aggregateId: change.patientId,
      ...(change.correlationId ? { correlationId: change.correlationId } : {}),
      payload: {
        patientId: change.patientId,
        channel: CONTRACT_CHANNEL[change.channel],
        state: CONTRACT_STATE[change.state],
        previousState: previous ? CONTRACT_STATE[previous] : ContractConsentState.UNSPECIFIED,
        source: CONTRACT_SOURCE[change.source],
        evidenceId: change.evidenceId,
        changedAt: timestampFromDate(change.now),
        withdrawnSends,
      },
    });
    // Ids and codes only.
    this.logger.log({
      message: 'consent changed',
      patientId: change.patientId,
      channel: change.channel,
      state: change.state,
      source: change.source,
      withdrawnSends,
    });
    return { changed: true, withdrawnSends };
  }

  /**
   * Twilio error 21610: the carrier says the recipient replied STOP to our number (possibly
   * outside this service, e.g. before two-way SMS). Recorded as a withdrawal of SMS consent
   * with the message as evidence; nothing for a message whose patient is unknown.
   */
  async recordCarrierOptOut(
    manager: EntityManager,
    message: { tenantId: string; patientId: string | null; id: string; correlationId: string },
    now: Date,
  ): Promise<boolean> {
    if (message.patientId === null) return false;
    const result = await this.change(manager, {
      tenantId: message.tenantId,
      patientId: message.patientId,
      channel: ConsentChannelKind.Sms,
      state: ConsentStateKind.Withdrawn,
      source: ConsentSourceKind.Twilio21610,
      evidenceId: message.id,
      now,
      correlationId: message.correlationId,
    });
    return result.changed;
  }

  /**
   * Applies the EHR's flag from an appointment event (see stateFromEhrFlag) and answers
   * whether the patient may be contacted on the channel now.
   */
  async syncFromEhr(
    manager: EntityManager,
    input: {
      tenantId: string;
      patientId: string;
      channel: ConsentChannelKind;
      ehrFlag: boolean;
      evidenceId: string;
      now: Date;
      correlationId?: string;
    },
  ): Promise<boolean> {
    const record = await this.consents.lock(manager, input);
    const state = stateFromEhrFlag(record, input.ehrFlag);
    if (state === undefined) return isConsented(record, input.ehrFlag);
    await this.change(manager, { ...input, state, source: ConsentSourceKind.Ehr });
    return state === ConsentStateKind.Granted;
  }
}

/** Twilio's "Attempt to send to unsubscribed recipient". */
export const TWILIO_UNSUBSCRIBED_RECIPIENT = '21610';

const MESSAGE_CHANNEL: Readonly<Record<ConsentChannelKind, MessageChannel>> = {
  [ConsentChannelKind.Sms]: MessageChannel.Sms,
  [ConsentChannelKind.Email]: MessageChannel.Email,
};

const CONTRACT_CHANNEL: Readonly<Record<ConsentChannelKind, ContractConsentChannel>> = {
  [ConsentChannelKind.Sms]: ContractConsentChannel.SMS,
  [ConsentChannelKind.Email]: ContractConsentChannel.EMAIL,
};

const CONTRACT_STATE: Readonly<Record<ConsentStateKind, ContractConsentState>> = {
  [ConsentStateKind.Granted]: ContractConsentState.GRANTED,
  [ConsentStateKind.Withdrawn]: ContractConsentState.WITHDRAWN,
};

const CONTRACT_SOURCE: Readonly<Record<ConsentSourceKind, ContractConsentSource>> = {
  [ConsentSourceKind.Ehr]: ContractConsentSource.EHR,
  [ConsentSourceKind.Intake]: ContractConsentSource.INTAKE,
  [ConsentSourceKind.Keyword]: ContractConsentSource.KEYWORD,
  [ConsentSourceKind.Twilio21610]: ContractConsentSource.TWILIO_21610,
  [ConsentSourceKind.Staff]: ContractConsentSource.STAFF,
  [ConsentSourceKind.UnsubscribeLink]: ContractConsentSource.UNSUBSCRIBE_LINK,
};
