/**
 * Query strings carry patient data in practice (Twilio's list API takes `To=+1…`), so URLs
 * leave a service without them. The path stays: it names the endpoint, and our paths hold
 * ids only.
 */
const URL_WITH_QUERY = /\b((?:https?|wss?):\/\/[^\s?#"'<>]*)\?[^\s#"'<>]*/gi;

export const REDACTED_QUERY = '[REDACTED]';

/** Replaces the query of every absolute URL inside free text (messages, stacks). */
export function stripUrlQueries(text: string): string {
  return text.replace(URL_WITH_QUERY, `$1?${REDACTED_QUERY}`);
}

/** `/path?query` or `https://host/path?query` without its query string. */
export function withoutQuery(target: string): string {
  const cut = target.search(/[?#]/);
  return cut === -1 ? target : target.slice(0, cut);
}
