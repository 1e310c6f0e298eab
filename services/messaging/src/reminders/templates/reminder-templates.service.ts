import { Inject, Injectable } from '@nestjs/common';

import { CLOCK, type Clock } from '@caredispatch/platform';

import { MessagingError, MessagingErrorCode } from '../../messaging.errors';

import { ReminderTemplateRepository } from './reminder-template.repository';
import { type TemplateOverride, validateTemplateOverrides } from './template-overrides';

/** Admin reads and replaces a tenant's reminder template overrides. */
@Injectable()
export class ReminderTemplatesService {
  constructor(
    private readonly store: ReminderTemplateRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  read(tenantId: string): Promise<TemplateOverride[]> {
    return this.store.overridesOf(tenantId);
  }

  /** Validated as a whole; a bad template is refused with the field named, nothing is stored. */
  async replace(
    tenantId: string,
    candidate: unknown,
    updatedBy: string,
  ): Promise<readonly TemplateOverride[]> {
    const validation = validateTemplateOverrides(candidate);
    if (!validation.ok) {
      throw new MessagingError(
        MessagingErrorCode.ReminderTemplatesInvalid,
        `${validation.field}: ${validation.message}`,
        { field: validation.field },
      );
    }
    await this.store.replace(tenantId, validation.templates, updatedBy, this.clock.now());
    return validation.templates;
  }
}
