import { randomBytes, randomUUID } from 'node:crypto';

import { DataSource } from 'typeorm';

import { KafkaJobs, runRetentionTask } from '@caredispatch/kafka';
import {
  BlindIndex,
  columnReencryption,
  EnvKeyEncryption,
  PhiCipher,
  PostgresDataKeyStore,
} from '@caredispatch/phi-crypto';
import {
  buildDataSourceOptions,
  migrateDatabase,
  readWritePrivileges,
  serviceSchemaOf,
  systemClock,
} from '@caredispatch/platform';
import { ThrowawayDatabase } from '@caredispatch/testing';

import { dispatchOptimizerDatabase } from '../app.module';
import { DispatchAppointmentRepository } from '../appointments/dispatch-appointment.repository';
import { ExceptionsService } from '../exceptions/exceptions.service';
import { DISPATCH_PHI_COLUMNS } from '../phi/dispatch-phi';
import { PlanRepository } from '../plan/plan.repository';

import { EncryptDispatchPhi1800000000000 } from './1800000000000-EncryptDispatchPhi';

const secret = <T>(value: T) => ({ reveal: () => value });
const TENANT = 'legacy-clinic';
const NAME = 'Ada L.';
const STREET = '12 Elm St, Newark, NJ';
const HOME = { lat: 40.7391, lon: -74.1702 };

/**
 * Rows dispatch-optimizer wrote before PHI encryption: the migration reshapes them and the
 * PHI key maintenance job (as the runtime role, under the tables' policies) encrypts them in
 * place; the service then reads them back as they were.
 */
describe(EncryptDispatchPhi1800000000000.name, () => {
  let database: ThrowawayDatabase;
  let dataSource: DataSource;
  const appointmentId = randomUUID();
  const planId = randomUUID();
  const exceptionId = randomUUID();
  const plan = {
    tenantId: TENANT,
    planId,
    version: 1,
    horizon: {
      from: '2030-03-11T04:00:00.000Z',
      until: '2030-03-12T04:00:00.000Z',
      days: ['2030-03-11'],
    },
    providerDays: [
      {
        providerId: 'rn-1',
        stops: [
          { appointmentId, patientDisplayName: NAME, address: { line: STREET, coordinates: HOME } },
        ],
      },
    ],
    unserved: [],
  };
  const inputs = {
    problem: { locations: [{ id: 'l0', coordinates: HOME }], providers: [], appointments: [] },
    solution: { routes: [] },
    origin: '2030-03-11T04:00:00.000Z',
    horizon: plan.horizon,
    appointments: {
      [appointmentId]: { patientDisplayName: NAME, address: { line: STREET, coordinates: HOME } },
    },
    preUnserved: [],
    locationAddresses: [{ line: STREET, coordinates: HOME }],
    clinics: {},
    blocks: [],
    timeZone: 'America/New_York',
  };
  const { migrations } = serviceSchemaOf(dispatchOptimizerDatabase);
  const migrate = (upTo: typeof migrations) =>
    migrateDatabase({
      ...serviceSchemaOf(dispatchOptimizerDatabase),
      migrations: upTo,
      url: database.ownerUrl,
      applicationName: 'dispatch-phi-migration-test',
      runtimeRole: database.roles?.runtime,
      privileges: readWritePrivileges,
    });

  beforeAll(async () => {
    database = await ThrowawayDatabase.createWithRoles('dispatch_phi_mig');
    // The schema as it stood before this migration (later ones may follow it).
    const encryptAt = migrations.indexOf(EncryptDispatchPhi1800000000000);
    expect(encryptAt).toBeGreaterThan(0);
    await migrate(migrations.slice(0, encryptAt));
    // As the superuser (no policy applies), the rows as the service wrote them before.
    await database.query(
      `INSERT INTO dispatch_appointment (tenant_id, appointment_id, revision, status, start_at,
         end_at, type_code, patient_display_name, location_id, time_zone, address_line, lat, lon,
         geocode_status, planned_revision, updated_at)
       VALUES ($1, $2, 1, 'booked', now(), now(), 'home-visit', $3, 'loc', 'UTC', $4, $5, $6,
         'resolved', 1, now())`,
      [TENANT, appointmentId, NAME, STREET, HOME.lat, HOME.lon],
    );
    await database.query(
      `INSERT INTO dispatch_plan (tenant_id, plan_id, version, kind, horizon_from, horizon_until,
         plan, inputs, created_at)
       VALUES ($1, $2, 1, 'weekly', now(), now(), $3, $4, now())`,
      [TENANT, planId, JSON.stringify(plan), JSON.stringify(inputs)],
    );
    await database.query(
      `INSERT INTO dispatch_exception (exception_id, tenant_id, kind, reason, dedupe_key, detail,
         status, created_at)
       VALUES ($1, $2, 'unserved', 'NO_CREDENTIALED_PROVIDER', 'legacy', $3, 'open', now())`,
      [exceptionId, TENANT, JSON.stringify({ patientDisplayName: NAME })],
    );
    await database.query(
      `INSERT INTO geocode_cache (tenant_id, address_key, lat, lon, resolved, created_at)
       VALUES ($1, $2, $3, $4, true, now())`,
      [TENANT, STREET.toLowerCase(), HOME.lat, HOME.lon],
    );
    await migrate(migrations);
    dataSource = new DataSource(
      buildDataSourceOptions({
        ...serviceSchemaOf(dispatchOptimizerDatabase),
        url: database.runtimeUrl,
        applicationName: 'dispatch-phi-migration-test',
        poolSize: 3,
      }),
    );
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('should leave no readable name or address once the key maintenance job has run, and read every row back as it was', async () => {
    const cipher = new PhiCipher({
      kms: new EnvKeyEncryption(secret({ k1: randomBytes(32).toString('base64') }), 'k1'),
      store: new PostgresDataKeyStore(dataSource),
    });
    for (const [index, column] of DISPATCH_PHI_COLUMNS.entries()) {
      await runRetentionTask(
        dataSource,
        columnReencryption(cipher, column, 100 + index),
        10,
        undefined,
        KafkaJobs.PhiKeyMaintenance,
      );
    }

    const [appointment] = await database.query<{
      patient_display_name: string;
      address_line: string;
    }>(
      'SELECT patient_display_name, address_line FROM dispatch_appointment WHERE appointment_id = $1',
      [appointmentId],
    );
    const [stored] = await database.query<{
      plan: Buffer;
      inputs: object;
      inputs_phi: Buffer;
      horizon_days: string[];
    }>('SELECT plan, inputs, inputs_phi, horizon_days FROM dispatch_plan WHERE plan_id = $1', [
      planId,
    ]);
    const [exception] = await database.query<{ detail: string }>(
      'SELECT detail FROM dispatch_exception WHERE exception_id = $1',
      [exceptionId],
    );
    const sealed = (bytes: Buffer) => bytes.subarray(0, 2).equals(Buffer.from([0x00, 0x01]));
    expect({
      name: appointment.patient_display_name.startsWith('phi1.'),
      address: appointment.address_line.startsWith('phi1.'),
      plan: sealed(stored.plan),
      inputsPhi: sealed(stored.inputs_phi),
      detail: exception.detail.startsWith('phi1.'),
      readableInputs: [NAME, STREET].filter((value) =>
        JSON.stringify(stored.inputs).includes(value),
      ),
      horizonDays: stored.horizon_days,
      geocodeCache: await database.query('SELECT 1 FROM geocode_cache'),
    }).toEqual({
      name: true,
      address: true,
      plan: true,
      inputsPhi: true,
      detail: true,
      readableInputs: [],
      horizonDays: ['2030-03-11'],
      geocodeCache: [],
    });

    const blindIndex = new BlindIndex(secret(randomBytes(32).toString('base64')));
    const plans = new PlanRepository(dataSource, cipher);
    const appointments = new DispatchAppointmentRepository(
      dataSource,
      systemClock,
      cipher,
      blindIndex,
    );
    const exceptions = new ExceptionsService(dataSource, systemClock, cipher);
    expect(await plans.latest(TENANT, planId)).toEqual({ plan, inputs });
    expect(await plans.currentForDay(TENANT, '2030-03-11')).toEqual(plan);
    expect(await appointments.find(TENANT, appointmentId)).toMatchObject({
      patientDisplayName: NAME,
      addressLine: STREET,
      addressKey: null,
    });
    expect((await exceptions.list(TENANT, 'all')).map((entry) => entry.detail)).toEqual([
      { patientDisplayName: NAME },
    ]);
  });
});
