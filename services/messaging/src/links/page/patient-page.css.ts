import { createHash } from 'node:crypto';

/**
 * The page's only stylesheet, inline and allowed by its hash in the CSP (no 'unsafe-inline',
 * no second request). Mobile-first; colours meet WCAG 2.1 AA contrast (body text 16:1,
 * buttons ≥ 6:1) and every control shows a visible focus ring.
 */
export const PAGE_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{font-size:100%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;line-height:1.5;color:#1a1a1a;background:#f5f5f5}
main{max-width:36rem;margin:0 auto;padding:1rem}
.card{background:#fff;border-radius:.75rem;padding:1.25rem;margin:0 0 1rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
.practice{font-size:1rem;font-weight:600;margin:0 0 .25rem;color:#333}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
dl{margin:0}
dt{font-weight:600;margin-top:.75rem}
dd{margin:0}
a{color:#0b57d0}
a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #1a1a1a;outline-offset:2px}
.actions{display:grid;gap:.75rem;margin-top:1.25rem}
.actions form{margin:0}
button,.button{display:block;width:100%;min-height:3rem;padding:.75rem 1rem;font:inherit;font-weight:600;text-align:center;text-decoration:none;border-radius:.5rem;border:2px solid #0b57d0;cursor:pointer}
.primary{background:#0b57d0;color:#fff}
.secondary{background:#fff;color:#0b57d0}
.danger{background:#b3261e;border-color:#b3261e;color:#fff}
.notice{border-left:.375rem solid #146c2e;background:#e6f4ea;padding:.75rem 1rem;border-radius:.25rem;margin:0 0 1rem}
.warning{border-left-color:#8c4a00;background:#fff4e5}
fieldset{border:0;padding:0;margin:0 0 1rem}
legend{font-weight:600;margin-bottom:.5rem}
.choice{display:flex;align-items:center;gap:.75rem;min-height:3rem;padding:.5rem .75rem;border:1px solid #757575;border-radius:.5rem;margin-bottom:.5rem;background:#fff}
.choice input{width:1.25rem;height:1.25rem;flex:none;margin:0}
.lang{text-align:right;margin:0 0 .5rem}
`.trim();

export const PAGE_CSS_HASH = `sha256-${createHash('sha256').update(PAGE_CSS).digest('base64')}`;

/**
 * Strict CSP: nothing loads from anywhere, no script at all, forms post only to this origin,
 * the page cannot be framed.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src '${PAGE_CSS_HASH}'`,
  "img-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');
