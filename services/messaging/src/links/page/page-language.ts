export type PageLanguage = 'en' | 'es';

/**
 * The page's language: an explicit `?lang=` (the page's language switch), else the browser's
 * first supported preference. The scheduling contract does not carry the patient's preferred
 * language yet; when it does, it becomes the default here.
 */
export function pageLanguage(query: unknown, acceptLanguage: string | undefined): PageLanguage {
  if (query === 'es' || query === 'en') return query;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase() ?? '';
    if (tag.startsWith('es')) return 'es';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}
