import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';

import { type TemplateOverride, templateOverrideSchema } from './template-overrides';

interface OverrideRow {
  channel: string;
  appointment_type: string;
  language: string;
  name: string;
  template: Record<string, unknown>;
}

/**
 * A tenant's template overrides. Stored ones were validated on the way in and are parsed again
 * on the way out (a row that no longer parses fails loudly instead of rendering garbage).
 */
@Injectable()
export class ReminderTemplateRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** In the caller's transaction (the consumer's), or in a transaction of the tenant's own. */
  async overridesOf(tenantId: string, manager?: EntityManager): Promise<TemplateOverride[]> {
    const read = (scoped: EntityManager): Promise<OverrideRow[]> =>
      scoped.query<OverrideRow[]>(
        `SELECT channel, appointment_type, language, name, template
           FROM reminder_template_override
          WHERE tenant_id = $1
          ORDER BY channel, appointment_type, language, name`,
        [tenantId],
      );
    const rows = manager
      ? await read(manager)
      : await inTenantTransaction(this.dataSource, tenantId, read);
    return rows.map((row) =>
      templateOverrideSchema.parse({
        channel: row.channel,
        appointmentType: row.appointment_type,
        language: row.language,
        name: row.name,
        ...row.template,
      }),
    );
  }

  /** Replaces the tenant's whole set in one transaction. */
  async replace(
    tenantId: string,
    templates: readonly TemplateOverride[],
    updatedBy: string,
    now: Date,
  ): Promise<void> {
    await inTenantTransaction(this.dataSource, tenantId, async (manager) => {
      await manager.query(`DELETE FROM reminder_template_override WHERE tenant_id = $1`, [
        tenantId,
      ]);
      for (const override of templates) {
        const { channel, appointmentType, language, name, ...template } = override;
        await manager.query(
          `INSERT INTO reminder_template_override
             (tenant_id, channel, appointment_type, language, name, template, updated_at, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8)`,
          [
            tenantId,
            channel,
            appointmentType,
            language,
            name,
            JSON.stringify(template),
            now,
            updatedBy,
          ],
        );
      }
    });
  }
}
