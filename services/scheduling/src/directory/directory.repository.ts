import { Injectable } from '@nestjs/common';
import { type EntityManager, type EntityTarget } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

import { type EhrLocation, type EhrPatient, type EhrPractitioner } from '@caredispatch/contracts';
import { BlindIndex, PhiCipher } from '@caredispatch/phi-crypto';

import { locationAddressField } from './location-phi';
import { type LocationAddress, LocationEntity, type LocationView } from './location.entity';
import { patientField } from './patient-phi';
import { PatientEntity } from './patient.entity';
import { ProviderEntity } from './provider.entity';

export interface DirectoryRefs {
  readonly patient: PatientEntity;
  readonly provider: ProviderEntity | null;
  readonly location: LocationView;
}

/**
 * Mirrors the EHR's patients, practitioners and locations, keyed by (tenant, EHR id).
 * Upserts run inside the caller's transaction, so the directory only changes together
 * with the appointment change that carried the new details.
 */
@Injectable()
export class DirectoryRepository {
  constructor(
    private readonly cipher: PhiCipher,
    private readonly blindIndex: BlindIndex,
  ) {}

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
    const ehrPatient = source.patient;
    const field = (column: Parameters<typeof patientField>[2]) =>
      patientField(tenantId, ehrPatient.ehrPatientId, column);
    const stored = await this.upsert(manager, PatientEntity, ['tenant_id', 'ehr_patient_id'], {
      tenantId,
      ehrPatientId: ehrPatient.ehrPatientId,
      givenName: await this.cipher.encryptText(field('given_name'), ehrPatient.givenName),
      familyName: await this.cipher.encryptText(field('family_name'), ehrPatient.familyName),
      phoneE164: await this.cipher.encryptText(field('phone_e164'), ehrPatient.phoneE164),
      phoneLookupHash: this.phoneLookupHash(tenantId, ehrPatient.phoneE164),
      email: await this.cipher.encryptNullable(field('email'), ehrPatient.email ?? null),
      preferredLanguage: ehrPatient.preferredLanguage ?? null,
      smsConsent: ehrPatient.smsConsent,
      createdAt: now,
      updatedAt: now,
    });
    const patient = Object.assign(stored, {
      givenName: ehrPatient.givenName,
      familyName: ehrPatient.familyName,
      phoneE164: ehrPatient.phoneE164,
      email: ehrPatient.email ?? null,
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
    const plainAddress: LocationAddress | null = address
      ? {
          lines: [...address.lines],
          city: address.city,
          state: address.state,
          postalCode: address.postalCode,
          country: address.country,
        }
      : null;
    const { ehrLocationId } = source.location;
    const location = await this.upsert(manager, LocationEntity, ['tenant_id', 'ehr_location_id'], {
      tenantId,
      ehrLocationId,
      name: source.location.name,
      timeZone: source.location.timeZone,
      address:
        plainAddress &&
        (await this.cipher.encryptText(
          locationAddressField(tenantId, ehrLocationId),
          JSON.stringify(plainAddress),
        )),
      createdAt: now,
      updatedAt: now,
    });
    return { patient, provider, location: locationView(location, plainAddress) };
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
    return {
      patient: await this.decryptPatient(patient),
      provider,
      location: await this.decryptLocation(location),
    };
  }

  private async decryptLocation(location: LocationEntity): Promise<LocationView> {
    const stored = location.address;
    if (stored === null) return locationView(location, null);
    const field = locationAddressField(location.tenantId, location.ehrLocationId);
    const json = await this.cipher.decryptText(field, stored);
    return locationView(location, JSON.parse(json) as LocationAddress);
  }

  /** Patients of `tenantId` with this E.164 number (an inbound SMS's sender). */
  async findPatientsByPhone(
    manager: EntityManager,
    tenantId: string,
    phoneE164: string,
  ): Promise<PatientEntity[]> {
    const patients = await manager.findBy(PatientEntity, {
      tenantId,
      phoneLookupHash: this.blindIndex.phoneLookupHash(tenantId, phoneE164),
    });
    return Promise.all(patients.map((patient) => this.decryptPatient(patient)));
  }

  private async decryptPatient(patient: PatientEntity): Promise<PatientEntity> {
    const field = (column: Parameters<typeof patientField>[2]) =>
      patientField(patient.tenantId, patient.ehrPatientId, column);
    return Object.assign(patient, {
      givenName: await this.cipher.decryptText(field('given_name'), patient.givenName),
      familyName: await this.cipher.decryptText(field('family_name'), patient.familyName),
      phoneE164: await this.cipher.decryptText(field('phone_e164'), patient.phoneE164),
      email: await this.cipher.decryptNullable(field('email'), patient.email),
    });
  }

  /** Null for a number that is not E.164 (the EHR edge normalizes, so only legacy rows). */
  private phoneLookupHash(tenantId: string, phoneE164: string): string | null {
    try {
      return this.blindIndex.phoneLookupHash(tenantId, phoneE164);
    } catch {
      return null;
    }
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

/** The location with its address as read (a plain object: the entity keeps the ciphertext). */
function locationView(location: LocationEntity, address: LocationAddress | null): LocationView {
  const { id, tenantId, ehrLocationId, name, timeZone, createdAt, updatedAt } = location;
  return { id, tenantId, ehrLocationId, name, timeZone, createdAt, updatedAt, address };
}
