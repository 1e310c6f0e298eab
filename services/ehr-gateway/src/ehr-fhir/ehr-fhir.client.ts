import { type EhrConnection } from './ehr-connection';
import {
  EhrFailureKind,
  EhrFhirError,
  failureKindOfStatus,
  type FhirResource,
  type NewFhirResource,
  type VersionedResource,
} from './fhir-client.port';
import { type SmartTokenProvider } from './smart-token-provider';

const FHIR_JSON = 'application/fhir+json';

/**
 * The FHIR R4 REST calls ehr-gateway makes: read, conditional update (If-Match), create and
 * search. Every failure is an EhrFhirError with its kind; bodies of error answers are never
 * read into messages (an OperationOutcome may quote PHI).
 */
export class EhrFhirClient {
  constructor(
    private readonly tokens: SmartTokenProvider,
    private readonly timeoutMs: number,
  ) {}

  async read(connection: EhrConnection, type: string, id: string): Promise<VersionedResource> {
    const response = await this.send(connection, 'GET', `${type}/${encodeURIComponent(id)}`);
    return versioned(response, await resourceOf(response));
  }

  /** PUT with `If-Match: W/"<ifMatchVersion>"`: 412 (VersionConflict) when it moved on. */
  async update(
    connection: EhrConnection,
    resource: FhirResource,
    ifMatchVersion: string,
  ): Promise<VersionedResource> {
    const response = await this.send(
      connection,
      'PUT',
      `${resource.resourceType}/${encodeURIComponent(resource.id)}`,
      resource,
      { 'if-match': `W/"${ifMatchVersion}"` },
    );
    return versioned(response, await resourceOf(response));
  }

  async create(connection: EhrConnection, resource: NewFhirResource): Promise<VersionedResource> {
    const response = await this.send(connection, 'POST', resource.resourceType, resource);
    return versioned(response, await resourceOf(response));
  }

  /** A search's matches (one page; the callers bound their windows). */
  async search(
    connection: EhrConnection,
    type: string,
    parameters: readonly (readonly [string, string])[],
  ): Promise<FhirResource[]> {
    const query = new URLSearchParams(
      parameters.map(([name, value]): [string, string] => [name, value]),
    );
    const response = await this.send(connection, 'GET', `${type}?${query.toString()}`);
    const bundle = await response.json().catch(() => undefined);
    const entries = isObject(bundle) && Array.isArray(bundle.entry) ? bundle.entry : [];
    return entries.flatMap((entry: unknown) => {
      const resource = isObject(entry) ? entry.resource : undefined;
      return isResource(resource) && resource.resourceType === type ? [resource] : [];
    });
  }

  /**
   * Every page of a search, following the Bundle's `next` links (at most `maxPages`; more is a
   * Rejected error with `tooLarge`). A `next` link must stay under the tenant's FHIR base: the
   * bearer token is never sent anywhere else.
   */
  async searchAllPages(
    connection: EhrConnection,
    type: string,
    parameters: readonly (readonly [string, string])[],
    maxPages: number,
  ): Promise<{ resources: FhirResource[]; pages: number }> {
    const query = new URLSearchParams(
      parameters.map(([name, value]): [string, string] => [name, value]),
    );
    let relativeUrl: string | undefined = `${type}?${query.toString()}`;
    const resources: FhirResource[] = [];
    let pages = 0;
    while (relativeUrl !== undefined) {
      if (pages === maxPages) throw new FhirSearchTooLargeError(type, maxPages);
      const response = await this.send(connection, 'GET', relativeUrl);
      const bundle: unknown = await response.json().catch(() => undefined);
      if (!isObject(bundle) || bundle.resourceType !== 'Bundle') {
        throw new EhrFhirError(
          EhrFailureKind.Rejected,
          response.status,
          'the EHR answered a search without a Bundle',
        );
      }
      pages += 1;
      const entries = Array.isArray(bundle.entry) ? bundle.entry : [];
      for (const entry of entries as unknown[]) {
        const resource = isObject(entry) ? entry.resource : undefined;
        if (isResource(resource) && resource.resourceType === type) resources.push(resource);
      }
      relativeUrl = nextPageOf(bundle, connection.fhirBaseUrl);
    }
    return { resources, pages };
  }

  private async send(
    connection: EhrConnection,
    method: string,
    relativeUrl: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    for (let attempt = 1; ; attempt += 1) {
      const token = await this.tokens.tokenFor(connection);
      let response: Response;
      try {
        response = await fetch(`${connection.fhirBaseUrl.replace(/\/$/, '')}/${relativeUrl}`, {
          method,
          headers: {
            accept: FHIR_JSON,
            authorization: `Bearer ${token}`,
            ...(body === undefined ? {} : { 'content-type': FHIR_JSON }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch {
        throw new EhrFhirError(EhrFailureKind.Unavailable, 0, `${method} unreachable or timed out`);
      }
      if (response.ok) return response;
      await response.arrayBuffer().catch(() => undefined);
      // A token revoked or expired early: one fresh token, then the answer stands.
      if (response.status === 401 && attempt === 1) {
        this.tokens.invalidate(connection.tenantId);
        continue;
      }
      const kind =
        response.status === 401
          ? EhrFailureKind.AuthorizationRejected
          : failureKindOfStatus(response.status);
      throw new EhrFhirError(kind, response.status, `${method} answered ${response.status}`);
    }
  }
}

/** A search that needs more pages than the caller reads in one go. */
export class FhirSearchTooLargeError extends EhrFhirError {
  constructor(type: string, maxPages: number) {
    super(EhrFailureKind.Rejected, 0, `${type} search has more than ${maxPages} pages`);
  }
}

/** The Bundle's `next` link relative to the FHIR base; a link elsewhere is refused. */
function nextPageOf(bundle: Record<string, unknown>, fhirBaseUrl: string): string | undefined {
  const links = Array.isArray(bundle.link) ? (bundle.link as unknown[]) : [];
  const next = links.find((link) => isObject(link) && link.relation === 'next');
  const url = isObject(next) && typeof next.url === 'string' ? next.url : undefined;
  if (url === undefined) return undefined;
  const base = `${fhirBaseUrl.replace(/\/$/, '')}/`;
  if (!url.startsWith(base)) {
    throw new EhrFhirError(
      EhrFailureKind.Rejected,
      0,
      'the EHR linked a next page outside its FHIR base',
    );
  }
  return url.slice(base.length);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isResource(value: unknown): value is FhirResource {
  return isObject(value) && typeof value.resourceType === 'string' && typeof value.id === 'string';
}

async function resourceOf(response: Response): Promise<FhirResource> {
  const body: unknown = await response.json().catch(() => undefined);
  if (!isResource(body)) {
    throw new EhrFhirError(
      EhrFailureKind.Rejected,
      response.status,
      'the EHR answered without a resource',
    );
  }
  return body;
}

function versioned(response: Response, resource: FhirResource): VersionedResource {
  const meta = isObject(resource.meta) ? resource.meta : {};
  const fromMeta = typeof meta.versionId === 'string' ? meta.versionId : undefined;
  const fromETag = response.headers.get('etag')?.replace(/^W\//, '').replace(/"/g, '');
  const versionId = fromMeta ?? fromETag;
  if (!versionId) {
    throw new EhrFhirError(
      EhrFailureKind.Rejected,
      response.status,
      'the EHR keeps no resource versions (no meta.versionId or ETag)',
    );
  }
  return { resource, versionId };
}
