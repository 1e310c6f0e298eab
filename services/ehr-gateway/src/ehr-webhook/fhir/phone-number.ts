import {
  type CountryCode,
  isSupportedCountry,
  parsePhoneNumberFromString,
} from 'libphonenumber-js';

export function isSupportedRegion(region: string): region is CountryCode {
  return isSupportedCountry(region);
}

/**
 * E.164 form of a phone number as an EHR stores it ("(415) 555-2671", "+1 415 555 2671",
 * "tel:+14155552671"); national numbers are read in `defaultRegion`. Only numbers valid for
 * their region are returned: an SMS to an impossible number would fail later, silently.
 */
export function toE164(raw: string, defaultRegion: CountryCode): string | undefined {
  const value = raw.replace(/^tel:/i, '').trim();
  const parsed = parsePhoneNumberFromString(value, defaultRegion);
  return parsed?.isValid() ? parsed.number : undefined;
}
