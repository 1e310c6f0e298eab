/**
 * SMS segment counting (3GPP TS 23.038). A text made only of the GSM-7 default alphabet and its
 * extension table is sent 7-bit: 160 septets in one segment, 153 per segment once split (the
 * concatenation header takes 7). Any other character switches the whole text to UCS-2: 70 UTF-16
 * units in one segment, 67 per segment once split. Extension characters cost two septets.
 */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentCount {
  readonly encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2. */
  readonly units: number;
  readonly segments: number;
}

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';

const basic = new Set(GSM7_BASIC);
const extension = new Set(GSM7_EXTENSION);

export const GSM7_SINGLE_SEGMENT_SEPTETS = 160;

export function countSmsSegments(text: string): SmsSegmentCount {
  let septets = 0;
  for (const char of text) {
    if (basic.has(char)) septets += 1;
    else if (extension.has(char)) septets += 2;
    else return ucs2(text);
  }
  return {
    encoding: 'GSM-7',
    units: septets,
    segments: septets <= 160 ? 1 : Math.ceil(septets / 153),
  };
}

function ucs2(text: string): SmsSegmentCount {
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** True when `text` goes out as one GSM-7 segment: the bar every reminder text must meet. */
export function fitsOneGsm7Segment(text: string): boolean {
  const count = countSmsSegments(text);
  return count.encoding === 'GSM-7' && count.segments === 1;
}
