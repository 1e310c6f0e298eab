import { type ConsentEntity, ConsentSourceKind, ConsentStateKind } from './consent.entity';

/**
 * Whether a patient may be contacted on a channel: the consent record when there is one,
 * else the EHR's flag. A revocation by the patient (keyword, carrier 21610, staff) outranks
 * the EHR: a later booking whose EHR flag still says yes does not re-subscribe them.
 */
export function isConsented(record: ConsentEntity | undefined, ehrFlag: boolean): boolean {
  return record ? record.state === ConsentStateKind.Granted : ehrFlag;
}

/**
 * The state the EHR's flag should set, or undefined when it changes nothing: it fills in a
 * missing record when it grants, and updates only records the EHR itself set.
 */
export function stateFromEhrFlag(
  record: ConsentEntity | undefined,
  ehrFlag: boolean,
): ConsentStateKind | undefined {
  const wanted = ehrFlag ? ConsentStateKind.Granted : ConsentStateKind.Withdrawn;
  if (!record) return ehrFlag ? wanted : undefined;
  if (record.source !== ConsentSourceKind.Ehr || record.state === wanted) return undefined;
  return wanted;
}
