/**
 * Public link pages whose URL path carries a bearer credential: `/{route}/{token}/…`. The one
 * list of them (messaging's appointment and waitlist offer pages, dispatch-optimizer's
 * provider itineraries); a new link page adds its first path segment here.
 */
export const LINK_TOKEN_ROUTES = ['a', 'o', 'itineraries'] as const;

export const REDACTED_TOKEN = '[token]';

// The route segment at the start of a path: at the start of the text, after a URL's authority
// (`https://host:port`) or after anything that cannot be part of a longer path (space, quote,
// `=`). Express matches routes case-insensitively, so the route name is too.
const LINK_TOKEN_PATH = new RegExp(
  `(^|://[^/\\s?#"'<>]*|[^\\w/.~%:-])/+(${LINK_TOKEN_ROUTES.join('|')})/(?!:)[^/\\s?#"'<>]+`,
  'gi',
);

/** Replaces the token segment of every link page path inside `text`: `/a/[token]/confirm`. */
export function redactLinkTokens(text: string): string {
  return text.replace(LINK_TOKEN_PATH, `$1/$2/${REDACTED_TOKEN}`);
}
