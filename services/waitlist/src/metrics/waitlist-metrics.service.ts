import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { inTenantTransaction } from '@caredispatch/kafka';

export interface WeeklyFillMetrics {
  /** Monday of the ISO week (UTC), `YYYY-MM-DD`. */
  readonly week: string;
  readonly slotsFreed: number;
  readonly filledFromWaitlist: number;
  readonly fillRate: number;
  /** Median minutes from the slot freeing to an acceptance; null without fills. */
  readonly medianMinutesToFill: number | null;
  /** Offers made per slot filled from the waitlist; null without fills. */
  readonly offersPerFill: number | null;
  readonly escalations: number;
}

interface WeekRow {
  week: string;
  freed: string;
  filled: string;
  median_minutes: string | null;
  offers_for_fills: string | null;
  escalations: string;
}

/** Per tenant and week: how well the waitlist fills freed slots (the seed's third metric). */
@Injectable()
export class WaitlistMetricsService {
  constructor(private readonly dataSource: DataSource) {}

  async weekly(tenantId: string, from: string, until: string): Promise<WeeklyFillMetrics[]> {
    const rows = await inTenantTransaction(this.dataSource, tenantId, (manager) =>
      manager.query<WeekRow[]>(
        `SELECT to_char(date_trunc('week', opened_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS week,
              count(*) AS freed,
              count(*) FILTER (WHERE status = 'filled') AS filled,
              percentile_cont(0.5) WITHIN GROUP (
                ORDER BY extract(epoch FROM closed_at - opened_at) / 60
              ) FILTER (WHERE status = 'filled') AS median_minutes,
              sum(offers_made) FILTER (WHERE status = 'filled') AS offers_for_fills,
              count(*) FILTER (WHERE status = 'escalated') AS escalations
         FROM freed_slot
        WHERE tenant_id = $1
          AND opened_at >= $2::date AND opened_at < ($3::date + 1)
        GROUP BY 1
        ORDER BY 1`,
        [tenantId, from, until],
      ),
    );
    return rows.map((row) => {
      const freed = Number(row.freed);
      const filled = Number(row.filled);
      return {
        week: row.week,
        slotsFreed: freed,
        filledFromWaitlist: filled,
        fillRate: freed === 0 ? 0 : Math.round((filled / freed) * 1000) / 1000,
        medianMinutesToFill:
          row.median_minutes === null ? null : Math.round(Number(row.median_minutes) * 10) / 10,
        offersPerFill:
          filled === 0 ? null : Math.round((Number(row.offers_for_fills) / filled) * 100) / 100,
        escalations: Number(row.escalations),
      };
    });
  }
}
