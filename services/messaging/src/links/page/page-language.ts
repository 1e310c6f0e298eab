import { shippedLanguageOf } from '../../language/patient-language';

export type PageLanguage = 'en' | 'es';

/** What a request says about the page's language, before the patient's own is known. */
export interface PageLanguageRequest {
  /** `?lang=`: the page's language switch (every link and form on the page carries it). */
  readonly chosen: PageLanguage | undefined;
  /** The browser's first supported Accept-Language preference. */
  readonly browser: PageLanguage | undefined;
}

export function pageLanguage(
  query: unknown,
  acceptLanguage: string | undefined,
): PageLanguageRequest {
  return {
    chosen: query === 'es' || query === 'en' ? query : undefined,
    browser: browserLanguage(acceptLanguage),
  };
}

/**
 * The page's language: an explicit `?lang=` (the patient switched), else the patient's
 * preferred language from the EHR when we ship it, else the browser's preference, else English.
 * Without a patient (a neutral page) the browser decides.
 */
export function resolvePageLanguage(
  request: PageLanguageRequest,
  patientLanguage?: string | null,
): PageLanguage {
  return request.chosen ?? shippedLanguageOf(patientLanguage) ?? request.browser ?? 'en';
}

function browserLanguage(acceptLanguage: string | undefined): PageLanguage | undefined {
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('es')) return 'es';
    if (tag.startsWith('en')) return 'en';
  }
  return undefined;
}
