/**
 * The renderer's Content-Security-Policy: only the app's own scripts, styles and images; no
 * remote code, no eval, no inline script, no plugins, no framing, no form posts.
 * Applied as a <meta> tag at build time (electron.vite.config.ts) and as a response header for
 * every page the window loads (window.ts).
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "media-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The policy as a <meta> tag may carry it: browsers ignore frame-ancestors there (header only). */
export function cspForMeta(csp: string): string {
  return csp
    .split('; ')
    .filter((d) => !d.startsWith('frame-ancestors'))
    .join('; ');
}

/**
 * The same policy for the loopback WebSocket bridge (tests and `npm run web`): connect-src also
 * allows the bridge's own WebSocket. `{{WS_ORIGIN}}` is filled in by the bridge.
 */
export const BRIDGE_CSP = RENDERER_CSP.replace("connect-src 'self'", "connect-src 'self' {{WS_ORIGIN}}");
