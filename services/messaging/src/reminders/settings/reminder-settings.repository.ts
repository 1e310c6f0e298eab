import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';
import { SERVICE_CONFIG } from '@caredispatch/platform';

import { type MessagingConfig } from '../../config';
import {
  PLAYBOOK_SETTINGS,
  type ReminderSettings,
  reminderSettingsSchema,
} from '../planning/cadence-settings';

export type SettingsSource = 'stored' | 'environment' | 'playbook';

/**
 * A tenant's reminder settings: what the admin API stored, else REMINDER_SETTINGS, else the
 * playbook. Stored settings were validated on the way in and are parsed again on the way out.
 */
@Injectable()
export class ReminderSettingsRepository {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(SERVICE_CONFIG) private readonly config: MessagingConfig,
  ) {}

  /** In the caller's transaction (the consumer's), or in a transaction of the tenant's own. */
  async settingsOf(
    tenantId: string,
    manager?: EntityManager,
  ): Promise<{ settings: ReminderSettings; source: SettingsSource }> {
    const read = (scoped: EntityManager): Promise<{ settings: unknown }[]> =>
      scoped.query<{ settings: unknown }[]>(
        `SELECT settings FROM reminder_settings WHERE tenant_id = $1`,
        [tenantId],
      );
    const rows = manager
      ? await read(manager)
      : await inTenantTransaction(this.dataSource, tenantId, read);
    const stored = rows.at(0);
    if (stored)
      return { settings: reminderSettingsSchema.parse(stored.settings), source: 'stored' };
    const configured = this.config.REMINDER_SETTINGS.get(tenantId);
    if (configured) return { settings: configured, source: 'environment' };
    return { settings: PLAYBOOK_SETTINGS, source: 'playbook' };
  }

  async replace(
    tenantId: string,
    settings: ReminderSettings,
    updatedBy: string,
    now: Date,
  ): Promise<void> {
    await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      manager.query(
        `INSERT INTO reminder_settings (tenant_id, settings, updated_at, updated_by)
       VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE
         SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
        [tenantId, JSON.stringify(settings), now, updatedBy],
      ),
    );
  }
}
