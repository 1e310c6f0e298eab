import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A patient as the EHR last described them; scheduling's id is what other services see.
 * Names, phone and email are stored encrypted (see patient-phi.ts): the properties hold
 * `phi1.` ciphertexts in the database and plaintext only after DirectoryRepository decrypts.
 */
@Entity({ name: 'patient' })
@Check(
  'ck_patient_preferred_language',
  'preferred_language IS NULL OR char_length(preferred_language) BETWEEN 2 AND 35',
)
@Index('ix_patient_tenant_phone_lookup_hash', ['tenantId', 'phoneLookupHash'])
@Index('ux_patient_tenant_ehr_patient', ['tenantId', 'ehrPatientId'], { unique: true })
@Index('ux_patient_tenant_id', ['tenantId', 'id'], { unique: true })
export class PatientEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'text' })
  tenantId!: string;

  @Column({ name: 'ehr_patient_id', type: 'text' })
  ehrPatientId!: string;

  @Column({ name: 'given_name', type: 'text' })
  givenName!: string;

  @Column({ name: 'family_name', type: 'text' })
  familyName!: string;

  @Column({ name: 'phone_e164', type: 'text' })
  phoneE164!: string;

  /** BlindIndex.phoneLookupHash of the phone: finds the patient of an inbound SMS. */
  @Column({ name: 'phone_lookup_hash', type: 'text', nullable: true })
  phoneLookupHash!: string | null;

  @Column({ name: 'email', type: 'text', nullable: true })
  email!: string | null;

  /** BCP-47 tag from FHIR `Patient.communication` (e.g. "es", "en-US"); null = unknown. */
  @Column({ name: 'preferred_language', type: 'text', nullable: true })
  preferredLanguage!: string | null;

  @Column({ name: 'sms_consent', type: 'boolean' })
  smsConsent!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
