import { Inject, Injectable } from '@nestjs/common';

import { CLOCK, type Clock } from '@caredispatch/platform';

import { MessagingError, MessagingErrorCode } from '../../messaging.errors';
import {
  cadenceFor,
  type ReminderSettings,
  validateReminderSettings,
} from '../planning/cadence-settings';
import { DEFAULT_QUIET_HOURS } from '../planning/quiet-hours';
import { planReminders } from '../planning/reminder-plan';
import { ReminderTemplateRepository } from '../templates/reminder-template.repository';
import {
  type ReminderFacts,
  renderEmail,
  renderSms,
  resolveEmailTemplate,
  resolveSmsTemplate,
} from '../templates/reminder-templates';
import { overridesMap } from '../templates/template-overrides';

import { reminderPreviewSchema } from './dto/reminder-preview.request';
import { ReminderSettingsRepository, type SettingsSource } from './reminder-settings.repository';

export interface PreviewStep {
  readonly step: string;
  readonly channel: string;
  readonly outcome: 'send' | 'suppress';
  readonly dueAt: string | null;
  readonly reason: string | null;
  /** The SMS as a sample patient would read it (placeholder name, no real patient data). */
  readonly text: string | null;
  /** An email step's subject and plain text, likewise; null for a text step. */
  readonly email: { readonly subject: string; readonly text: string } | null;
}

const SAMPLE_FIRST_NAME = 'Alex';
const SAMPLE_PHONE = '+15005550006';
const SAMPLE_EMAIL = 'patient@example.org';
const SAMPLE_LINK = 'https://cd.example/a/AAAAAAAAAAAAAAAAAAAAAA';

/** Admin reads, replaces and previews a tenant's reminder settings. */
@Injectable()
export class ReminderSettingsService {
  constructor(
    private readonly store: ReminderSettingsRepository,
    private readonly templates: ReminderTemplateRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  read(tenantId: string): Promise<{ settings: ReminderSettings; source: SettingsSource }> {
    return this.store.settingsOf(tenantId);
  }

  /** Validated as a whole; a bad cadence is refused with the field named, nothing is stored. */
  async replace(
    tenantId: string,
    candidate: unknown,
    updatedBy: string,
  ): Promise<ReminderSettings> {
    const validation = validateReminderSettings(candidate);
    if (!validation.ok) {
      throw new MessagingError(
        MessagingErrorCode.ReminderSettingsInvalid,
        `${validation.field}: ${validation.message}`,
        { field: validation.field },
      );
    }
    await this.store.replace(tenantId, validation.settings, updatedBy, this.clock.now());
    return validation.settings;
  }

  async preview(
    tenantId: string,
    body: unknown,
  ): Promise<{ cadence: string; steps: PreviewStep[] }> {
    const parsed = reminderPreviewSchema.safeParse(body);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      const field = issue.path.join('.') || '(body)';
      throw new MessagingError(
        MessagingErrorCode.ReminderPreviewInvalid,
        `${field}: ${issue.message}`,
        { field },
      );
    }
    const request = parsed.data;
    const { settings } = await this.store.settingsOf(tenantId);
    const overrides = overridesMap(await this.templates.overridesOf(tenantId));
    const { name, cadence } = cadenceFor(
      settings,
      request.appointmentTypeCode ? [{ code: request.appointmentTypeCode }] : [],
    );
    const start = new Date(request.start);
    const plan = planReminders({
      appointment: { start, timeZone: request.timeZone },
      cadence,
      patient: {
        language: request.language,
        timeZone: null,
        sms: { address: SAMPLE_PHONE, consented: request.smsConsent },
        email: { address: request.hasEmail ? SAMPLE_EMAIL : null, consented: request.hasEmail },
      },
      otherSmsReminders: [],
      limits: settings.limits,
      quietHours: DEFAULT_QUIET_HOURS,
      now: this.clock.now(),
    });
    return {
      cadence: name,
      steps: plan.map((send) => {
        // The tenant's overrides where it has them, else the shipped templates.
        const facts: ReminderFacts = {
          practice: 'Your practice',
          firstName: SAMPLE_FIRST_NAME,
          start,
          timeZone: request.timeZone,
          locationName: 'Main Street Clinic',
          locationAddress: '12 Main St',
          link: SAMPLE_LINK,
        };
        const sms =
          send.channel === 'sms'
            ? resolveSmsTemplate(overrides, name, send.language, send.template)
            : undefined;
        const email =
          send.channel === 'email'
            ? resolveEmailTemplate(overrides, name, send.language, send.template)
            : undefined;
        const renderedEmail = email && renderEmail(email, send.language, facts);
        return {
          step: send.stepKey,
          channel: send.channel,
          outcome: send.outcome,
          dueAt: send.outcome === 'send' ? send.dueAt.toISOString() : null,
          reason: send.outcome === 'suppress' ? send.reason : null,
          text: sms ? renderSms(sms, send.language, facts) : null,
          email: renderedEmail
            ? { subject: renderedEmail.subject, text: renderedEmail.text }
            : null,
        };
      }),
    };
  }
}
