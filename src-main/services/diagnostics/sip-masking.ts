/**
 * Masks a SIP message for the SIP log viewer and the diagnostics bundle (DESIGN.md rule 3):
 * the digest `response` and `cnonce` of Authorization/Proxy-Authorization (the rest — scheme,
 * username, realm, nonce, uri, qop, nc — stays, it is what IT needs to see), any other
 * credentials wholesale, SDES key material in `a=crypto` (RFC 4568 §9.1: `inline:` in any
 * casing), `a=key-mgmt` and SDP `k=` lines, and then everything the logger's redaction knows
 * (user:password@ URIs, private keys). Masking is by construction: the log never holds the
 * unmasked text.
 */
import { redactText } from '../../base/redact.js';

export const MASK = '[masked]';

const AUTH_LINE = /^((?:proxy-)?authorization[ \t]*:[ \t]*)([^\r\n]*(?:\r?\n[ \t]+[^\r\n]*)*)/gim;
const DIGEST_SECRET = /\b(response|cnonce)([ \t]*=[ \t]*)("(?:[^"\\]|\\.)*"|[^,\s]+)/gi;

function maskCredentials(value: string): string {
  const scheme = /^(\S+)\s*/.exec(value);
  if (scheme === null) return MASK;
  if (scheme[1]!.toLowerCase() !== 'digest') return `${scheme[1]} ${MASK}`;
  return value.replace(DIGEST_SECRET, (_m, name: string, eq: string) => `${name}${eq}"${MASK}"`);
}

export function maskSipText(text: string): string {
  return redactText(
    text
      .replace(AUTH_LINE, (_m, head: string, value: string) => `${head}${maskCredentials(value)}`)
      .replace(/\binline:[^\s|]+/gi, `inline:${MASK}`)
      .replace(/^(a=key-mgmt:\S+)[ \t]+[^\r\n]*/gim, `$1 ${MASK}`)
      .replace(/^k=[^\r\n]*/gim, `k=${MASK}`),
  );
}
