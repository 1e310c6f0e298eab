import { type EhrAppointment } from '@caredispatch/contracts';

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What every consumer's storage refuses, stated once for the fuzz tests: PostgreSQL `text`
 * and `jsonb` reject U+0000, UTF-8 cannot carry an unpaired surrogate, and the gateway's own
 * key column is varchar(64). Returns the contract paths that break a rule.
 */
export function storageIssues(appointment: EhrAppointment): string[] {
  const issues: string[] = [];
  if (appointment.ehrAppointmentId.length > 64) issues.push('ehr_appointment_id is too long');
  visitStrings(appointment, 'appointment', (path, value) => {
    if (value.includes('\u0000')) issues.push(`${path} contains U+0000`);
    if (UNPAIRED_SURROGATE.test(value)) issues.push(`${path} contains an unpaired surrogate`);
  });
  return issues;
}

function visitStrings(
  value: unknown,
  path: string,
  visit: (path: string, value: string) => void,
): void {
  if (typeof value === 'string') visit(path, value);
  else if (Array.isArray(value))
    value.forEach((item, i) => visitStrings(item, `${path}[${i}]`, visit));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) visitStrings(item, `${path}.${key}`, visit);
  }
}
