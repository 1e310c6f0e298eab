import { randomUUID } from 'node:crypto';

import { exportJWK, exportPKCS8, generateKeyPair } from 'jose';

import { Role } from '@caredispatch/auth';
import {
  EhrFhirStandIn,
  eventually,
  fhirPractitioner,
  fhirPractitionerRole,
  MAPS_STAND_IN_KEY,
  MapsStandIn,
  newWebhookSecret,
  SlackStandIn,
  Stack,
} from '@caredispatch/testing';

import { dispatchApi } from './support/dispatch-flow';

jest.setTimeout(300_000);

const ADMIN = [Role.PracticeAdmin];
const CLIENT_ID = 'caredispatch-roster-e2e';

interface ImportView {
  readonly importId: string;
  readonly status: 'requested' | 'completed' | 'failed';
  readonly failureReason: string | null;
  readonly summary: {
    readonly created: number;
    readonly updated: number;
    readonly unchanged: number;
    readonly skipped: number;
    readonly warnings: readonly Record<string, string>[];
  } | null;
}

interface ProviderView {
  readonly providerId: string;
  readonly displayName: string;
  readonly credentials: readonly string[];
  readonly clinicIds: readonly string[];
  readonly weeklyAvailability: readonly { day: string; from: string; until: string }[];
  readonly delivery: { readonly channel: Record<string, string> };
  readonly ehrPractitionerId: string | null;
}

/**
 * Roster import through processes: a practice admin asks dispatch-optimizer, ehr-gateway reads
 * the EHR stand-in's Practitioner and PractitionerRole pages with its SMART client, and
 * dispatch-optimizer maps the answer onto its roster, all over the real broker.
 */
describe('roster import end to end: dispatch → ehr-gateway → FHIR → dispatch', () => {
  const tenantId = `roster-${randomUUID().slice(0, 8)}`;
  const ehr = new EhrFhirStandIn();
  const slack = new SlackStandIn();
  const maps = new MapsStandIn({ addresses: {} });
  let stack: Stack;

  const api = <T>(method: string, path: string, body?: unknown) =>
    dispatchApi<T>(stack, tenantId, method, path, body, ADMIN);

  async function importRoster(): Promise<ImportView> {
    const requested = await api<ImportView>('POST', '/roster-imports');
    expect(requested.status).toBe('requested');
    return eventually(
      async () => {
        const found = await api<ImportView>('GET', `/roster-imports/${requested.importId}`);
        return found.status === 'requested' ? undefined : found;
      },
      60_000,
      `roster import ${requested.importId} answered`,
    );
  }

  beforeAll(async () => {
    await ehr.start();
    ehr.setMaxPageSize(2);
    ehr.seed(
      fhirPractitioner({
        id: 'prac-md',
        given: 'Ana',
        family: 'Ruiz',
        prefix: 'Dr.',
        qualifications: [['http://terminology.hl7.org/CodeSystem/v2-0360', 'MD']],
        mobile: '+16175550101',
      }),
      fhirPractitionerRole({
        id: 'role-md',
        practitionerId: 'prac-md',
        locationIds: ['loc-north'],
        availableTimes: [{ days: ['mon', 'tue'], start: '08:00:00', end: '16:00:00' }],
      }),
      fhirPractitioner({
        id: 'prac-rn',
        given: 'Sam',
        family: 'Lee',
        qualifications: [['', 'RN']],
        email: 'sam@clinic.example',
      }),
      fhirPractitionerRole({
        id: 'role-rn',
        practitionerId: 'prac-rn',
        locationIds: ['loc-north', 'loc-unknown'],
        specialties: [['http://snomed.info/sct', 'wound-care']],
      }),
      fhirPractitioner({
        id: 'prac-x',
        given: 'Kim',
        family: 'Doe',
        qualifications: [['', 'XYZ']],
      }),
    );
    const keys = await generateKeyPair('RS384', { extractable: true });
    await ehr.registerClient(CLIENT_ID, await exportJWK(keys.publicKey), 'RS384');
    const { apiUrl } = await slack.start();
    const { baseUrl } = await maps.start();
    stack = new Stack({
      tenants: { [tenantId]: newWebhookSecret() },
      only: ['ehr-gateway', 'dispatch-optimizer'],
      logLevel: 'warn',
      dispatch: {
        slackApiUrl: apiUrl,
        slackBotToken: slack.botToken,
        mapsApiBaseUrl: baseUrl,
        mapsApiKey: MAPS_STAND_IN_KEY,
        coordinatorSlackChannel: 'C0COORDINATORS',
      },
      environment: {
        'ehr-gateway': {
          EHR_CONNECTIONS: JSON.stringify({
            [tenantId]: {
              fhirBaseUrl: ehr.fhirBaseUrl,
              tokenUrl: ehr.tokenUrl,
              clientId: CLIENT_ID,
              keyId: `${CLIENT_ID}-key-1`,
              algorithm: 'RS384',
            },
          }),
          EHR_PRIVATE_KEYS: JSON.stringify({ [tenantId]: await exportPKCS8(keys.privateKey) }),
          EHR_SLOT_POLL_INTERVAL_MS: '0',
          EHR_WRITE_BACK_POLL_INTERVAL_MS: '100',
        },
      },
    });
    await stack.start();
    await api('PUT', '/dispatch-settings', { timeZone: 'America/New_York' });
    await api('PUT', '/clinics/north', {
      name: 'North',
      address: '1 North St, Boston, MA',
      coordinates: { lat: 42.36, lon: -71.06 },
      locationIds: ['loc-north'],
      openingHours: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '08:00', until: '18:00' }],
    });
    await api('PUT', '/roster-import-mapping', {
      qualifications: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/v2-0360',
          code: 'MD',
          credentials: ['MD'],
        },
        { code: 'RN', credentials: ['RN'] },
        { code: 'wound-care', credentials: ['wound-care'] },
      ],
    });
  });

  afterAll(async () => {
    await stack.stop();
    await ehr.stop();
    await slack.stop();
    await maps.stop();
  });

  it('should create providers from the EHR, report what it could not map, and be idempotent', async () => {
    const first = await importRoster();

    expect(first.status).toBe('completed');
    expect(first.summary).toMatchObject({ created: 2, updated: 0, skipped: 1 });
    expect(first.summary?.warnings).toEqual(
      expect.arrayContaining([
        { code: 'UNMAPPED_LOCATION', practitionerId: 'prac-rn', locationId: 'loc-unknown' },
        {
          code: 'UNMAPPED_QUALIFICATION',
          practitionerId: 'prac-x',
          system: '',
          qualification: 'XYZ',
        },
        { code: 'NO_CREDENTIAL', practitionerId: 'prac-x' },
      ]),
    );
    const providers = await api<ProviderView[]>('GET', '/providers');
    expect(providers).toEqual([
      expect.objectContaining({
        providerId: 'prac-md',
        displayName: 'Dr. Ana Ruiz',
        credentials: ['MD'],
        clinicIds: ['north'],
        weeklyAvailability: [
          { day: 'mon', from: '08:00', until: '16:00' },
          { day: 'tue', from: '08:00', until: '16:00' },
        ],
        ehrPractitionerId: 'prac-md',
      }),
      expect.objectContaining({
        providerId: 'prac-rn',
        credentials: ['RN', 'wound-care'],
      }),
    ]);
    expect(providers.map((provider) => provider.delivery.channel)).toEqual([
      { kind: 'sms', phoneE164: '+16175550101' },
      { kind: 'email', email: 'sam@clinic.example' },
    ]);

    const again = await importRoster();

    expect(again.summary).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  });

  it("should keep what staff edited by hand and take the EHR's other changes", async () => {
    const current = await api<ProviderView & Record<string, unknown>>('GET', '/providers/prac-rn');
    const {
      tenantId: _tenant,
      providerId: _id,
      ehrPractitionerId: _link,
      ehrImport: _record,
      updatedAt: _updated,
      ...body
    } = current;
    await api('PUT', '/providers/prac-rn', { ...body, credentials: ['RN', 'LPN'] });
    await ehr.staffEdit('Practitioner', 'prac-rn', (resource) => {
      resource.name = [{ use: 'official', given: ['Samantha'], family: 'Lee' }];
    });

    const sut = await importRoster();

    expect(sut.summary).toMatchObject({ updated: 1 });
    expect(sut.summary?.warnings).toEqual(
      expect.arrayContaining([
        {
          code: 'KEPT_STAFF_EDIT',
          practitionerId: 'prac-rn',
          providerId: 'prac-rn',
          field: 'credentials',
        },
      ]),
    );
    const provider = await api<ProviderView>('GET', '/providers/prac-rn');
    expect(provider).toMatchObject({ displayName: 'Samantha Lee', credentials: ['RN', 'LPN'] });
  });
});
