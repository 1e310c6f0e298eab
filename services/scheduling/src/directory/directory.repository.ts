import { Injectable } from '@nestjs/common';
import { type EntityManager, type EntityTarget } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { type EhrLocation, type EhrPatient, type EhrPractitioner } from '@caredispatch/contracts';

import { LocationEntity } from './location.entity';
import { PatientEntity } from './patient.entity';
import { ProviderEntity } from './provider.entity';

export interface DirectoryRefs {
  readonly patient: PatientEntity;
  readonly provider: ProviderEntity | null;
  readonly location: LocationEntity;
}

/**
 * Mirrors the EHR's patients, practitioners and locations, keyed by (tenant, EHR id).
 * Upserts run inside the caller's transaction, so the directory only changes together
 * with the appointment change that carried the new details.
 */
@Injectable()
export class DirectoryRepository {
  async upsertFromEhr(
    manager: EntityManager,
    tenantId: string,
    source: {
      patient: EhrPatient;
      practitioner: EhrPractitioner | undefined;
      location: EhrLocation;
    },
    now: Date,
  ): Promise<DirectoryRefs> {
    const patient = await this.upsert(manager, PatientEntity, ['tenant_id', 'ehr_patient_id'], {
      tenantId,
      ehrPatientId: source.patient.ehrPatientId,
      givenName: source.patient.givenName,
      familyName: source.patient.familyName,
      phoneE164: source.patient.phoneE164,
      email: source.patient.email ?? null,
      smsConsent: source.patient.smsConsent,
      createdAt: now,
      updatedAt: now,
    });
    const practitioner = source.practitioner;
    const provider =
      practitioner && practitioner.ehrPractitionerId !== ''
        ? await this.upsert(manager, ProviderEntity, ['tenant_id', 'ehr_practitioner_id'], {
            tenantId,
            ehrPractitionerId: practitioner.ehrPractitionerId,
            displayName: practitioner.name,
            credentials: practitioner.credentials,
            createdAt: now,
            updatedAt: now,
          })
        : null;
    const address = source.location.address;
    const location = await this.upsert(manager, LocationEntity, ['tenant_id', 'ehr_location_id'], {
      tenantId,
      ehrLocationId: source.location.ehrLocationId,
      name: source.location.name,
      timeZone: source.location.timeZone,
      address: address
        ? {
            lines: [...address.lines],
            city: address.city,
            state: address.state,
            postalCode: address.postalCode,
            country: address.country,
          }
        : null,
      createdAt: now,
      updatedAt: now,
    });
    return { patient, provider, location };
  }

  async findRefs(
    manager: EntityManager,
    tenantId: string,
    ids: { patientId: string; providerId: string | null; locationId: string },
  ): Promise<DirectoryRefs> {
    const [patient, provider, location] = await Promise.all([
      manager.findOneByOrFail(PatientEntity, { tenantId, id: ids.patientId }),
      ids.providerId === null
        ? Promise.resolve(null)
        : manager.findOneByOrFail(ProviderEntity, { tenantId, id: ids.providerId }),
      manager.findOneByOrFail(LocationEntity, { tenantId, id: ids.locationId }),
    ]);
    return { patient, provider, location };
  }

  /**
   * INSERT … ON CONFLICT DO UPDATE on the (tenant, EHR id) unique index: the row keeps its
   * id and created_at; every other column takes the EHR's latest description.
   */
  private async upsert<E extends PatientEntity | ProviderEntity | LocationEntity>(
    manager: EntityManager,
    target: EntityTarget<E> & (new () => E),
    conflictColumns: string[],
    values: Omit<E, 'id'> & QueryDeepPartialEntity<E>,
  ): Promise<E> {
    const metadata = manager.connection.getMetadata(target);
    const updateColumns = metadata.columns
      .map((column) => column.databaseName)
      .filter((name) => name !== 'id' && name !== 'created_at' && !conflictColumns.includes(name));
    const result = await manager
      .createQueryBuilder()
      .insert()
      .into(target)
      .values(values)
      .orUpdate(updateColumns, conflictColumns)
      .returning('id')
      .execute();
    const [row] = result.raw as { id: string }[];
    return Object.assign(new target(), values, { id: row.id });
  }
}
