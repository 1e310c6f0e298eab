/**
 * EHR stand-in: a real HTTP FHIR R4 server on loopback, as a practice's EHR exposes it to
 * CareDispatch, for integration and end-to-end tests of ehr-gateway's write-back.
 *
 * - Resources of any type (Appointment, Slot, Schedule, Patient, Practitioner, Location,
 *   Organization …): `GET [base]/{type}/{id}`, `PUT [base]/{type}/{id}`, `POST [base]/{type}`,
 *   with versioning (`meta.versionId` counts up, `meta.lastUpdated`, `ETag: W/"n"`) and
 *   optimistic concurrency (`If-Match` naming another version → 412).
 * - Search: `GET [base]/Slot?status=free&start=ge…&start=le…&schedule=Schedule/x`,
 *   `GET [base]/Appointment?identifier=system|value`, `GET [base]/Schedule`,
 *   `GET [base]/Practitioner` and `GET [base]/PractitionerRole` as `searchset` Bundles, paged
 *   like a real server: `_count` (capped by `setMaxPageSize`) per page and a `next` link
 *   (`_offset`) while more remain.
 * - Slot bookkeeping like a scheduling EHR: an Appointment that names a Slot makes it busy,
 *   one that leaves or is cancelled frees it; naming a Slot that another appointment holds
 *   is a 409 Conflict.
 * - SMART Backend Services (https://hl7.org/fhir/smart-app-launch/backend-services.html):
 *   `POST [origin]/auth/token` verifies the client assertion (private_key_jwt, RS384/ES384,
 *   iss = sub = client id, aud = token URL, exp ≤ 5 min ahead, jti never reused) against the
 *   registered public key and issues short-lived bearer tokens that `[base]` requires.
 * - Faults: `failNext(n, status)` / `failAll(status)` / `recover()` (429 carries Retry-After),
 *   `setLatency(ms)`, `setTokenEndpointDown(true)`, `revokeTokens()` (issued tokens answer 401,
 *   so the next request needs the token endpoint), `staffEditBeforeNextUpdate` (a staff save
 *   between a client's read and its write: the write meets 412).
 * - Records every request (`requests()`), and sends Standard-Webhooks-signed webhooks (a Bundle
 *   with the Appointment and the resources it references, ehr-gateway's format) for every
 *   Appointment change, its own writes through the API and `staffEdit` alike.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

import { type CryptoKey, type JWK, type KeyObject, importJWK, jwtVerify } from 'jose';

export type FhirResource = Record<string, unknown> & { resourceType: string; id: string };

export interface RecordedEhrRequest {
  readonly method: string;
  /** Path below the origin, e.g. `/fhir/Appointment/a-1`. */
  readonly path: string;
  readonly query: string;
  readonly status: number;
  readonly ifMatch: string | undefined;
  readonly authorized: boolean;
}

export interface RecordedEhrWebhook {
  readonly appointmentId: string;
  readonly versionId: string;
  readonly status: number;
  /** The receiver's JSON answer (ehr-gateway's receipt), when it sent one. */
  readonly receipt: unknown;
}

interface StoredResource {
  resource: FhirResource;
  version: number;
}

interface ClientRegistration {
  readonly key: CryptoKey | KeyObject | Uint8Array;
  readonly algorithm: 'RS384' | 'ES384';
}

export interface EhrFhirStandInOptions {
  /** Lifetime of issued access tokens (300 s). */
  readonly tokenLifetimeSeconds?: number;
  /** Identifier of the system in `meta.source` (the gateway's `source_system`). */
  readonly sourceSystem?: string;
}

const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_SECONDS = 300;

export class EhrFhirStandIn {
  private server: Server | undefined;
  private readonly store = new Map<string, StoredResource>();
  private readonly clients = new Map<string, ClientRegistration>();
  private readonly usedJtis = new Set<string>();
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly recorded: RecordedEhrRequest[] = [];
  private readonly webhooks: RecordedEhrWebhook[] = [];
  private readonly queuedFaults: number[] = [];
  private persistentFault: number | undefined;
  private latencyMs = 0;
  private maxPageSize = Number.POSITIVE_INFINITY;
  private tokenEndpointDown = false;
  /** Per `type/id`: a staff edit applied just before that resource's next PUT. */
  private readonly beforeNextUpdate = new Map<string, () => void>();
  private tokensIssued = 0;
  private webhookTarget: { url: string; secret: string } | undefined;
  private pendingWebhooks: Promise<void> = Promise.resolve();
  private nextId = 1;
  private readonly tokenLifetimeSeconds: number;
  private readonly sourceSystem: string;

  constructor(options: EhrFhirStandInOptions = {}) {
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? 300;
    this.sourceSystem = options.sourceSystem ?? 'https://ehr.stand-in.example/fhir';
  }

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      void this.answer(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    return this.fhirBaseUrl;
  }

  async stop(): Promise<void> {
    await this.pendingWebhooks;
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get origin(): string {
    if (!this.server) throw new Error('EHR stand-in not started');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get fhirBaseUrl(): string {
    return `${this.origin}/fhir`;
  }

  get tokenUrl(): string {
    return `${this.origin}/auth/token`;
  }

  /** Registers a backend client and the public key its assertions are verified with. */
  async registerClient(
    clientId: string,
    publicJwk: JWK,
    algorithm: 'RS384' | 'ES384',
  ): Promise<void> {
    this.clients.set(clientId, { key: await importJWK(publicJwk, algorithm), algorithm });
  }

  /** Where the EHR sends its webhooks (ehr-gateway's per-tenant URL) and the shared secret. */
  setWebhookTarget(url: string, secret: string): void {
    this.webhookTarget = { url, secret };
  }

  /** Stores resources as version 1 without sending webhooks (the EHR's existing data). */
  seed(...resources: FhirResource[]): void {
    for (const resource of resources) this.save(structuredClone(resource), 1);
  }

  read(type: string, id: string): FhirResource | undefined {
    const stored = this.store.get(`${type}/${id}`);
    return stored ? structuredClone(stored.resource) : undefined;
  }

  /** A change made by front-desk staff in the EHR: a new version, and its webhook. */
  async staffEdit(type: string, id: string, edit: (resource: FhirResource) => void): Promise<void> {
    const stored = this.store.get(`${type}/${id}`);
    if (!stored) throw new Error(`${type}/${id} not in the stand-in`);
    const next = structuredClone(stored.resource);
    edit(next);
    this.write(next, stored);
    await this.settleWebhooks();
  }

  /**
   * Staff edit `type/id` just before its next PUT is applied: the race a write-back meets when
   * someone at the front desk saves the appointment between our read and our write. Only a PUT
   * of that resource fires it (other clients' writes meanwhile do not).
   */
  staffEditBeforeNextUpdate(
    type: string,
    id: string,
    edit: (resource: FhirResource) => void,
  ): void {
    this.beforeNextUpdate.set(`${type}/${id}`, () => {
      const stored = this.store.get(`${type}/${id}`);
      if (!stored) return;
      const next = structuredClone(stored.resource);
      edit(next);
      this.write(next, stored);
    });
  }

  /** The next `count` FHIR requests (not token requests) answer `status`. */
  failNext(count: number, status: number): void {
    for (let index = 0; index < count; index += 1) this.queuedFaults.push(status);
  }

  /** Every FHIR request answers `status` until `recover()`. */
  failAll(status: number): void {
    this.persistentFault = status;
  }

  recover(): void {
    this.queuedFaults.length = 0;
    this.persistentFault = undefined;
    this.tokenEndpointDown = false;
  }

  /** Search pages hold at most `size` entries whatever `_count` asks (a server's own limit). */
  setMaxPageSize(size: number): void {
    this.maxPageSize = size;
  }

  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /**
   * Every access token issued so far stops working (the EHR restarted its authorization server
   * or rotated keys): a client holding one gets 401 and must come back to the token endpoint.
   */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** The token endpoint answers 503 (true) or works again (false). */
  setTokenEndpointDown(down: boolean): void {
    this.tokenEndpointDown = down;
  }

  requests(): readonly RecordedEhrRequest[] {
    return [...this.recorded];
  }

  webhookDeliveries(): readonly RecordedEhrWebhook[] {
    return [...this.webhooks];
  }

  get issuedTokens(): number {
    return this.tokensIssued;
  }

  /** Resolves once every webhook sent so far has been answered. */
  settleWebhooks(): Promise<void> {
    return this.pendingWebhooks;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const body = await readBody(request);
    let reply: Reply;
    let authorized = false;
    try {
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      if (url.pathname === '/auth/token' && request.method === 'POST') {
        reply = await this.token(body);
      } else if (url.pathname.startsWith('/fhir/')) {
        authorized = this.isAuthorized(request.headers.authorization);
        reply = authorized
          ? this.fhir(request.method ?? 'GET', url, request.headers['if-match'], body)
          : outcome(401, 'login', 'a valid bearer token is required');
      } else {
        reply = outcome(404, 'not-found', 'no such endpoint');
      }
    } catch (error) {
      reply = outcome(500, 'exception', error instanceof Error ? error.message : 'stand-in error');
    }
    this.recorded.push({
      method: request.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      status: reply.status,
      ifMatch: request.headers['if-match'],
      authorized,
    });
    response.writeHead(reply.status, {
      'content-type': 'application/fhir+json',
      ...reply.headers,
    });
    response.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  }

  private async token(body: string): Promise<Reply> {
    if (this.tokenEndpointDown) return { status: 503, body: { error: 'temporarily_unavailable' } };
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials')
      return oauthError('unsupported_grant_type');
    if (form.get('client_assertion_type') !== CLIENT_ASSERTION_TYPE) {
      return oauthError('invalid_request', 'client_assertion_type');
    }
    const assertion = form.get('client_assertion') ?? '';
    const unverified = decodeJwtPayload(assertion);
    const clientId = typeof unverified?.iss === 'string' ? unverified.iss : '';
    const client = this.clients.get(clientId);
    if (!client) return oauthError('invalid_client', 'unknown client');
    try {
      const { payload } = await jwtVerify(assertion, client.key, {
        algorithms: [client.algorithm],
        audience: this.tokenUrl,
        issuer: clientId,
        subject: clientId,
        requiredClaims: ['exp', 'jti'],
      });
      const nowSeconds = Math.floor(Date.now() / 1000);
      if ((payload.exp ?? 0) > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS) {
        return oauthError('invalid_client', 'assertion lives longer than 5 minutes');
      }
      const jti = String(payload.jti);
      if (this.usedJtis.has(jti)) return oauthError('invalid_client', 'jti reused');
      this.usedJtis.add(jti);
    } catch (error) {
      return oauthError('invalid_client', error instanceof Error ? error.message : 'invalid');
    }
    const accessToken = randomUUID();
    this.tokens.set(accessToken, {
      clientId,
      expiresAt: Date.now() + this.tokenLifetimeSeconds * 1000,
    });
    this.tokensIssued += 1;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'bearer',
        expires_in: this.tokenLifetimeSeconds,
        scope: form.get('scope') ?? '',
      },
    };
  }

  private isAuthorized(header: string | undefined): boolean {
    const token = /^Bearer (\S+)$/i.exec(header ?? '')?.[1];
    const issued = token === undefined ? undefined : this.tokens.get(token);
    return issued !== undefined && issued.expiresAt > Date.now();
  }

  private fhir(method: string, url: URL, ifMatch: string | undefined, body: string): Reply {
    const fault = this.queuedFaults.shift() ?? this.persistentFault;
    if (fault !== undefined) {
      return {
        ...outcome(fault, fault === 429 ? 'throttled' : 'transient', 'injected fault'),
        headers: fault === 429 ? { 'retry-after': '1' } : {},
      };
    }
    const segments = url.pathname.slice('/fhir/'.length).split('/');
    if (segments.length > 2) return outcome(404, 'not-supported', 'no such interaction');
    const type = segments[0];
    const id = segments.at(1) ?? '';
    if (id === '') {
      if (method === 'GET') return this.search(type, url.searchParams);
      if (method === 'POST') return this.create(type, body);
      return outcome(405, 'not-supported', 'method not allowed');
    }
    if (method === 'GET') {
      const stored = this.store.get(`${type}/${id}`);
      return stored
        ? { status: 200, body: stored.resource, headers: etag(stored.version) }
        : outcome(404, 'not-found', `${type}/${id} is not known`);
    }
    if (method !== 'PUT') return outcome(405, 'not-supported', 'method not allowed');
    const hook = this.beforeNextUpdate.get(`${type}/${id}`);
    this.beforeNextUpdate.delete(`${type}/${id}`);
    hook?.();
    const stored = this.store.get(`${type}/${id}`);
    if (!stored) return outcome(404, 'not-found', `${type}/${id} is not known`);
    if (ifMatch !== undefined && versionOfETag(ifMatch) !== String(stored.version)) {
      return outcome(412, 'conflict', `version ${stored.version} is current`);
    }
    const resource = parseResource(body, type);
    if (!resource || resource.id !== id)
      return outcome(400, 'invalid', 'resource type or id mismatch');
    const conflict = this.slotConflict(resource);
    if (conflict) return outcome(409, 'conflict', conflict);
    const version = this.write(resource, stored);
    return { status: 200, body: this.store.get(`${type}/${id}`)?.resource, headers: etag(version) };
  }

  private create(type: string, body: string): Reply {
    const parsed = parseResource(body, type, false);
    if (!parsed) return outcome(400, 'invalid', 'resource type mismatch');
    const resource = { ...parsed, id: `${type.toLowerCase()}-${this.nextId++}` };
    const conflict = this.slotConflict(resource);
    if (conflict) return outcome(409, 'conflict', conflict);
    const version = this.write(resource, undefined);
    return {
      status: 201,
      body: this.store.get(`${type}/${resource.id}`)?.resource,
      headers: {
        ...etag(version),
        location: `${this.fhirBaseUrl}/${type}/${resource.id}/_history/${version}`,
      },
    };
  }

  private search(type: string, params: URLSearchParams): Reply {
    let matches = [...this.store.values()]
      .map((stored) => stored.resource)
      .filter((resource) => resource.resourceType === type);
    const status = params.get('status');
    if (status) matches = matches.filter((resource) => resource.status === status);
    // `identifier=system|value` (token search): resources carrying that identifier.
    const identifier = params.get('identifier');
    if (identifier) {
      const [system, value] = identifier.includes('|')
        ? identifier.split('|', 2)
        : ['', identifier];
      matches = matches.filter(
        (resource) =>
          Array.isArray(resource.identifier) &&
          resource.identifier.some(
            (entry: unknown) =>
              typeof entry === 'object' &&
              entry !== null &&
              (entry as Record<string, unknown>).value === value &&
              (system === '' || (entry as Record<string, unknown>).system === system),
          ),
      );
    }
    const schedule = params.get('schedule');
    if (schedule) {
      matches = matches.filter((resource) => referenceOf(resource.schedule) === schedule);
    }
    for (const bound of params.getAll('start')) {
      const comparator = bound.slice(0, 2);
      const instant = Date.parse(bound.slice(2));
      matches = matches.filter((resource) => {
        const start = Date.parse(String(resource.start));
        if (comparator === 'ge') return start >= instant;
        if (comparator === 'le') return start <= instant;
        if (comparator === 'gt') return start > instant;
        if (comparator === 'lt') return start < instant;
        return true;
      });
    }
    if (type === 'Slot')
      matches.sort((a, b) => Date.parse(String(a.start)) - Date.parse(String(b.start)));
    else matches.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const total = matches.length;
    const asked = Number(params.get('_count') ?? Number.POSITIVE_INFINITY);
    const pageSize = Math.max(1, Math.min(asked > 0 ? asked : 1, this.maxPageSize));
    const offset = Math.max(0, Number(params.get('_offset') ?? 0) || 0);
    const page = Number.isFinite(pageSize) ? matches.slice(offset, offset + pageSize) : matches;
    const link: { relation: string; url: string }[] = [];
    if (offset + page.length < total) {
      const next = new URLSearchParams(params);
      next.set('_offset', String(offset + page.length));
      if (Number.isFinite(pageSize)) next.set('_count', String(pageSize));
      link.push({ relation: 'next', url: `${this.fhirBaseUrl}/${type}?${next.toString()}` });
    }
    return {
      status: 200,
      body: {
        resourceType: 'Bundle',
        type: 'searchset',
        total,
        link,
        entry: page.map((resource) => ({
          fullUrl: `${this.fhirBaseUrl}/${type}/${resource.id}`,
          resource,
          search: { mode: 'match' },
        })),
      },
    };
  }

  /** Why `appointment` may not hold its slots, or undefined. */
  private slotConflict(resource: FhirResource): string | undefined {
    if (resource.resourceType !== 'Appointment' || resource.status === 'cancelled')
      return undefined;
    const held = new Set(slotsOf(this.store.get(`Appointment/${resource.id}`)?.resource));
    for (const reference of slotsOf(resource)) {
      const slot = this.store.get(reference);
      if (!slot) return `${reference} is not known`;
      if (!held.has(reference) && slot.resource.status !== 'free')
        return `${reference} is not free`;
    }
    return undefined;
  }

  /** Stores the next version, books/frees slots and sends the Appointment's webhook. */
  private write(resource: FhirResource, previous: StoredResource | undefined): number {
    const version = (previous?.version ?? 0) + 1;
    this.save(resource, version);
    if (resource.resourceType === 'Appointment') {
      const before = new Set(slotsOf(previous?.resource));
      const after = new Set(resource.status === 'cancelled' ? [] : slotsOf(resource));
      for (const reference of before)
        if (!after.has(reference)) this.setSlotStatus(reference, 'free');
      for (const reference of after)
        if (!before.has(reference)) this.setSlotStatus(reference, 'busy');
      this.queueWebhook(resource.id);
    }
    return version;
  }

  private setSlotStatus(reference: string, status: 'free' | 'busy'): void {
    const stored = this.store.get(reference);
    if (!stored || stored.resource.status === status) return;
    this.save({ ...stored.resource, status }, stored.version + 1);
  }

  private save(resource: FhirResource, version: number): void {
    const meta = typeof resource.meta === 'object' && resource.meta !== null ? resource.meta : {};
    this.store.set(`${resource.resourceType}/${resource.id}`, {
      resource: {
        ...resource,
        meta: {
          ...meta,
          versionId: String(version),
          lastUpdated: new Date().toISOString(),
          source: this.sourceSystem,
        },
      },
      version,
    });
  }

  private queueWebhook(appointmentId: string): void {
    const target = this.webhookTarget;
    if (!target) return;
    const bundle = this.webhookBundle(appointmentId);
    this.pendingWebhooks = this.pendingWebhooks.then(() =>
      this.sendWebhook(target, appointmentId, bundle),
    );
  }

  private webhookBundle(appointmentId: string): Record<string, unknown> {
    const appointment = this.store.get(`Appointment/${appointmentId}`)?.resource;
    if (!appointment) throw new Error(`Appointment/${appointmentId} vanished`);
    const references = new Set<string>();
    const participants = Array.isArray(appointment.participant) ? appointment.participant : [];
    for (const participant of participants as Record<string, unknown>[]) {
      const reference = referenceOf(participant.actor);
      if (reference) references.add(reference);
    }
    for (const reference of [...references]) {
      const organization = referenceOf(this.store.get(reference)?.resource.managingOrganization);
      if (organization) references.add(organization);
    }
    const entries = [`Appointment/${appointmentId}`, ...references].flatMap((reference) => {
      const stored = this.store.get(reference);
      return stored
        ? [{ fullUrl: `${this.fhirBaseUrl}/${reference}`, resource: stored.resource }]
        : [];
    });
    return { resourceType: 'Bundle', type: 'collection', entry: entries };
  }

  private async sendWebhook(
    target: { url: string; secret: string },
    appointmentId: string,
    bundle: Record<string, unknown>,
  ): Promise<void> {
    const body = JSON.stringify(bundle);
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    const key = target.secret.startsWith('whsec_')
      ? Buffer.from(target.secret.slice('whsec_'.length), 'base64')
      : Buffer.from(target.secret, 'utf8');
    const signature = createHmac('sha256', key)
      .update(`${id}.${timestamp}.${body}`)
      .digest('base64');
    const entry = (bundle.entry as { resource: FhirResource }[])[0];
    const versionId = String((entry.resource.meta as Record<string, unknown>).versionId);
    let status = 0;
    let receipt: unknown;
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/fhir+json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': `v1,${signature}`,
        },
        body,
      });
      status = response.status;
      receipt = await response.json().catch(() => undefined);
    } catch {
      status = 0;
    }
    this.webhooks.push({ appointmentId, versionId, status, receipt });
  }
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

function outcome(status: number, code: string, diagnostics: string): Reply {
  return {
    status,
    body: {
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code, diagnostics }],
    },
  };
}

function oauthError(error: string, description?: string): Reply {
  return {
    status: error === 'invalid_client' ? 401 : 400,
    body: { error, error_description: description },
  };
}

function etag(version: number): Record<string, string> {
  return { etag: `W/"${version}"` };
}

function versionOfETag(value: string): string {
  return value.replace(/^W\//, '').replace(/"/g, '');
}

function referenceOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const reference = (value as Record<string, unknown>).reference;
  return typeof reference === 'string' ? reference : undefined;
}

function slotsOf(resource: FhirResource | undefined): string[] {
  if (!resource || !Array.isArray(resource.slot)) return [];
  return resource.slot.flatMap((slot) => {
    const reference = referenceOf(slot);
    return reference ? [reference] : [];
  });
}

function parseResource(body: string, type: string, requireId = true): FhirResource | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const resource = parsed as Record<string, unknown>;
    if (resource.resourceType !== type) return undefined;
    if (requireId && typeof resource.id !== 'string') return undefined;
    return {
      ...resource,
      resourceType: type,
      id: typeof resource.id === 'string' ? resource.id : '',
    };
  } catch {
    return undefined;
  }
}

function decodeJwtPayload(jwt: string): Record<string, unknown> | undefined {
  const [, payload] = jwt.split('.');
  if (!payload) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown;
    return typeof decoded === 'object' && decoded !== null
      ? (decoded as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
