/** A FHIR resource as JSON; the client reads only what it needs, through typed accessors. */
export type FhirResource = Readonly<Record<string, unknown>> & {
  readonly resourceType: string;
  readonly id: string;
};

/** A resource to create: the EHR assigns the id. */
export type NewFhirResource = Readonly<Record<string, unknown>> & { readonly resourceType: string };

export interface VersionedResource {
  readonly resource: FhirResource;
  /** `meta.versionId` (or the ETag's version when the body has no meta). */
  readonly versionId: string;
}

/**
 * How an EHR call failed, written down so callers react by kind (like the SMS port):
 * only `Unavailable` and `AuthorizationUnavailable` are retried.
 */
export enum EhrFailureKind {
  /** 412: the resource changed since the version we named in If-Match. Re-read and decide. */
  VersionConflict = 'version_conflict',
  /** 409: the write conflicts with the EHR's state (e.g. the Slot is no longer free). */
  Conflict = 'conflict',
  /** 404 / 410: the resource does not exist (any more). */
  NotFound = 'not_found',
  /** Any other 4xx: the EHR refused the request for good; do not retry. */
  Rejected = 'rejected',
  /** 429, 5xx, timeout, connection refused: retry later. */
  Unavailable = 'unavailable',
  /** No access token: the token endpoint is down (retry) … */
  AuthorizationUnavailable = 'authorization_unavailable',
  /** … or refused our client assertion (do not retry until an operator fixes the keys). */
  AuthorizationRejected = 'authorization_rejected',
}

export class EhrFhirError extends Error {
  override readonly name = 'EhrFhirError';

  constructor(
    readonly kind: EhrFailureKind,
    /** HTTP status of the EHR's answer; 0 when there was none. Never any response body. */
    readonly httpStatus: number,
    message: string,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return (
      this.kind === EhrFailureKind.Unavailable ||
      this.kind === EhrFailureKind.AuthorizationUnavailable
    );
  }
}

export function failureKindOfStatus(status: number): EhrFailureKind {
  if (status === 412) return EhrFailureKind.VersionConflict;
  if (status === 409) return EhrFailureKind.Conflict;
  if (status === 404 || status === 410) return EhrFailureKind.NotFound;
  if (status === 429 || status === 408 || status >= 500) return EhrFailureKind.Unavailable;
  return EhrFailureKind.Rejected;
}
