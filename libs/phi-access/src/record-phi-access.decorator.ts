import { SetMetadata } from '@nestjs/common';
import { type Request } from 'express';

import { type PhiAccess } from './phi-access';

export const PHI_ACCESS_POLICY = 'caredispatch:phi-access';

/** What a handler's result reveals, computed from the result (and the request's ids). */
export type PhiAccessDescriber<R = never> = (
  result: R,
  request: Request,
) => Pick<PhiAccess, 'resourceIds' | 'patientIds' | 'resultCount'> &
  Partial<Pick<PhiAccess, 'filter'>>;

export interface PhiAccessPolicy {
  readonly action: PhiAccess['action'];
  readonly resourceType: string;
  readonly describe: PhiAccessDescriber<unknown>;
}

/**
 * The handler returns PHI: every successful call records a PhiAccessedV1 event (who, which
 * resources, which patients, how many) before the response leaves. Failure to record fails
 * the request — a read nobody can account for is not served.
 */
export function RecordPhiAccess<R>(policy: {
  action: PhiAccess['action'];
  resourceType: string;
  describe: PhiAccessDescriber<R>;
}): MethodDecorator {
  return SetMetadata(PHI_ACCESS_POLICY, policy as unknown as PhiAccessPolicy);
}
