import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

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

  async settingsOf(
    tenantId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ settings: ReminderSettings; source: SettingsSource }> {
    const rows = await manager.query<{ settings: unknown }[]>(
      `SELECT settings FROM reminder_settings WHERE tenant_id = $1`,
      [tenantId],
    );
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
    await this.dataSource.query(
      `INSERT INTO reminder_settings (tenant_id, settings, updated_at, updated_by)
       VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (tenant_id) DO UPDATE
         SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by`,
      [tenantId, JSON.stringify(settings), now, updatedBy],
    );
  }
}
