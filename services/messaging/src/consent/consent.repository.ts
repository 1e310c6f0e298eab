import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';

import {
  ConsentChannelKind,
  ConsentEntity,
  ConsentSourceKind,
  ConsentStateKind,
} from './consent.entity';

interface ConsentRow {
  tenant_id: string;
  patient_id: string;
  channel: string;
  state: string;
  changed_at: Date;
  source: string;
  evidence_id: string;
}

/** All SQL on `consent`. Methods taking an EntityManager run in the caller's transaction. */
@Injectable()
export class ConsentRepository {
  /** The record, locked for the rest of the transaction (consent changes are serialized). */
  async lock(
    manager: EntityManager,
    key: { tenantId: string; patientId: string; channel: ConsentChannelKind },
  ): Promise<ConsentEntity | undefined> {
    const rows = await rowsOf<ConsentRow>(
      manager,
      `SELECT * FROM consent WHERE tenant_id = $1 AND patient_id = $2 AND channel = $3 FOR UPDATE`,
      [key.tenantId, key.patientId, key.channel],
    );
    const row = rows.at(0);
    return row ? toEntity(row) : undefined;
  }

  async upsert(manager: EntityManager, consent: ConsentEntity): Promise<void> {
    await manager.query(
      `INSERT INTO consent (tenant_id, patient_id, channel, state, changed_at, source, evidence_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, patient_id, channel) DO UPDATE
         SET state = EXCLUDED.state, changed_at = EXCLUDED.changed_at, source = EXCLUDED.source,
             evidence_id = EXCLUDED.evidence_id`,
      [
        consent.tenantId,
        consent.patientId,
        consent.channel,
        consent.state,
        consent.changedAt,
        consent.source,
        consent.evidenceId,
      ],
    );
  }

  async findForPatient(
    manager: EntityManager,
    tenantId: string,
    patientId: string,
  ): Promise<ConsentEntity[]> {
    const rows = await rowsOf<ConsentRow>(
      manager,
      `SELECT * FROM consent WHERE tenant_id = $1 AND patient_id = $2 ORDER BY channel`,
      [tenantId, patientId],
    );
    return rows.map(toEntity);
  }
}

async function rowsOf<Row>(manager: EntityManager, sql: string, params: unknown[]): Promise<Row[]> {
  const result: unknown = await manager.query(sql, params);
  if (!Array.isArray(result)) throw new Error('expected rows from query');
  return result as Row[];
}

function toEntity(row: ConsentRow): ConsentEntity {
  const entity = new ConsentEntity();
  entity.tenantId = row.tenant_id;
  entity.patientId = row.patient_id;
  entity.channel = oneOf(ConsentChannelKind, row.channel, 'channel');
  entity.state = oneOf(ConsentStateKind, row.state, 'state');
  entity.changedAt = row.changed_at;
  entity.source = oneOf(ConsentSourceKind, row.source, 'source');
  entity.evidenceId = row.evidence_id;
  return entity;
}

function oneOf<E extends Record<string, string>>(
  values: E,
  value: string,
  what: string,
): E[keyof E] {
  const found = Object.values(values).find((known) => known === value);
  if (found === undefined) throw new Error(`unknown consent ${what} '${value}'`);
  return found as E[keyof E];
}
