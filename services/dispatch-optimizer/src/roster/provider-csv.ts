import { type ProviderBody, providerBodySchema } from './dto/roster.schemas';

/**
 * Reads the provider CSV a coordinator exports from a spreadsheet. Header (any order):
 * providerId, displayName, credentials (`;`-separated), homeAddress, homeLat, homeLon,
 * clinicIds (`;`), availability (`mon 08:00-16:00;tue 08:00-16:00`), maxHoursPerDay,
 * maxHoursPerWeek, channel (`slack:U123` | `sms:+1555…` | `email:a@b.org`), quietTimes
 * (`mon,tue 21:00-07:00;…`), timeZone. Every row is validated; errors name row and field.
 */
export interface ParsedProviderRow {
  readonly providerId: string;
  readonly body: ProviderBody;
}

export interface ProviderCsvResult {
  readonly rows: ParsedProviderRow[];
  readonly errors: string[];
}

const REQUIRED_COLUMNS = [
  'providerId',
  'displayName',
  'credentials',
  'homeAddress',
  'homeLat',
  'homeLon',
  'availability',
  'maxHoursPerDay',
  'maxHoursPerWeek',
  'channel',
  'timeZone',
] as const;

export function parseProviderCsv(csv: string): ProviderCsvResult {
  const records = parseCsvRecords(csv);
  const header = records.shift() ?? [];
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) return { rows: [], errors: [`header: missing ${missing.join(', ')}`] };
  const rows: ParsedProviderRow[] = [];
  const errors: string[] = [];
  records.forEach((record, index) => {
    const line = index + 2;
    if (record.every((cell) => cell.trim() === '')) return;
    const cell = (column: string): string => record[header.indexOf(column)]?.trim() ?? '';
    const providerId = cell('providerId');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(providerId)) {
      errors.push(`row ${line}: providerId: must be 1–100 letters, digits, . _ -`);
      return;
    }
    const candidate = {
      displayName: cell('displayName'),
      credentials: list(cell('credentials')),
      homeBase: {
        address: cell('homeAddress'),
        coordinates: { lat: number(cell('homeLat')), lon: number(cell('homeLon')) },
      },
      clinicIds: list(cell('clinicIds')),
      weeklyAvailability: list(cell('availability')).map((entry) => {
        const [day = '', span = ''] = entry.split(/\s+/);
        const [from = '', until = ''] = span.split('-');
        return { day, from, until };
      }),
      maxHoursPerDay: number(cell('maxHoursPerDay')),
      maxHoursPerWeek: number(cell('maxHoursPerWeek')),
      delivery: {
        channel: channel(cell('channel')),
        quietTimes: list(cell('quietTimes')).map((entry) => {
          const [days = '', span = ''] = entry.split(/\s+/);
          const [from = '', until = ''] = span.split('-');
          return { days: days.split(','), from, until };
        }),
        timeZone: cell('timeZone'),
      },
    };
    const parsed = providerBodySchema.safeParse(candidate);
    if (parsed.success) rows.push({ providerId, body: parsed.data });
    else
      errors.push(
        ...parsed.error.issues.map(
          (issue) => `row ${line}: ${issue.path.join('.')}: ${issue.message}`,
        ),
      );
  });
  return { rows, errors };
}

function list(value: string): string[] {
  return value
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function number(value: string): number {
  return value === '' ? Number.NaN : Number(value);
}

function channel(value: string): unknown {
  const separator = value.indexOf(':');
  const kind = value.slice(0, separator);
  const address = value.slice(separator + 1);
  switch (kind) {
    case 'slack':
      return { kind, slackUserId: address };
    case 'sms':
      return { kind, phoneE164: address };
    case 'email':
      return { kind, email: address };
    default:
      return { kind: value };
  }
}

/** RFC 4180: quoted fields, doubled quotes, CRLF or LF. */
function parseCsvRecords(csv: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < csv.length; i += 1) {
    const char = csv[i];
    if (quoted) {
      if (char === '"' && csv[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && csv[i + 1] === '\n') i += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}
