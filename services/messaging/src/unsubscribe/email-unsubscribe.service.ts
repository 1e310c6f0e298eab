import { createHash } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { inTenantTransaction, OutboxWriter } from '@caredispatch/kafka';
import { CLOCK, type Clock, SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../config';
import { ConsentChannelKind, ConsentSourceKind, ConsentStateKind } from '../consent/consent.entity';
import { ConsentService } from '../consent/consent.service';

import {
  signUnsubscribeToken,
  type UnsubscribeSubject,
  verifyUnsubscribeToken,
} from './unsubscribe-token';

/** Path of the one-click unsubscribe endpoint (RFC 8058), under PUBLIC_BASE_URL. */
export const EMAIL_UNSUBSCRIBE_PATH = '/v1/email/unsubscribe';

/** How long an email's unsubscribe link works: well past any reminder's life in an inbox. */
export const UNSUBSCRIBE_LINK_LIFETIME_MS = 90 * 24 * 60 * 60_000;

export type UnsubscribeOutcome = 'unsubscribed' | 'already_unsubscribed' | 'invalid';

/**
 * One-click unsubscribe for reminder emails (RFC 8058): each email's List-Unsubscribe carries a
 * signed, expiring URL; a POST to it withdraws that patient's email consent for the tenant as a
 * consent change (source `unsubscribe_link`, evidence: the email's message id), which also
 * withdraws every queued email and is published for the audit trail.
 */
@Injectable()
export class EmailUnsubscribeService {
  private readonly logger = new Logger(EmailUnsubscribeService.name);
  private readonly key: Buffer;

  constructor(
    private readonly dataSource: DataSource,
    private readonly consents: ConsentService,
    private readonly outbox: OutboxWriter,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {
    // Its own key, derived from the link secret: an unsubscribe MAC is never a link token's.
    this.key = createHash('sha256')
      .update('caredispatch/email-unsubscribe\0')
      .update(config.LINK_TOKEN_SECRET.reveal())
      .digest();
  }

  /** The https URL an email's List-Unsubscribe names. */
  urlFor(subject: UnsubscribeSubject): string {
    const expiresAt = new Date(this.clock.now().getTime() + UNSUBSCRIBE_LINK_LIFETIME_MS);
    const token = signUnsubscribeToken(this.key, subject, expiresAt);
    return `${this.config.PUBLIC_BASE_URL}${EMAIL_UNSUBSCRIBE_PATH}/${token}`;
  }

  /** Whether a token is one we issued and still honour (the GET page checks before showing its button). */
  isValid(token: string): boolean {
    return verifyUnsubscribeToken(this.key, token, this.clock.now()).valid;
  }

  async unsubscribe(token: string): Promise<UnsubscribeOutcome> {
    const now = this.clock.now();
    const check = verifyUnsubscribeToken(this.key, token, now);
    if (!check.valid) {
      this.logger.warn({ message: 'email unsubscribe refused', reason: check.reason });
      return 'invalid';
    }
    const { tenantId, patientId, messageId } = check.subject;
    await this.outbox.prepare(tenantId);
    const change = await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      this.consents.change(manager, {
        tenantId,
        patientId,
        channel: ConsentChannelKind.Email,
        state: ConsentStateKind.Withdrawn,
        source: ConsentSourceKind.UnsubscribeLink,
        evidenceId: messageId,
        now,
        correlationId: messageId,
      }),
    );
    // Ids only.
    this.logger.log({
      message: 'email unsubscribe',
      messageId,
      changed: change.changed,
      withdrawnSends: change.withdrawnSends,
    });
    return change.changed ? 'unsubscribed' : 'already_unsubscribed';
  }
}
