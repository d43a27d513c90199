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
  // The credentials, already masked field by field, are set aside while the logger's redaction
  // runs (it would wipe the whole header value, and with it the username and realm IT needs).
  const kept: string[] = [];
  const masked = text
    .replace(/\uE000/g, '')
    .replace(AUTH_LINE, (_m, head: string, value: string) => `\uE000${kept.push(`${head}${maskCredentials(value)}`) - 1}\uE000`)
    .replace(/\binline:[^\s|]+/gi, `inline:${MASK}`)
    .replace(/^(a=key-mgmt:\S+)[ \t]+[^\r\n]*/gim, `$1 ${MASK}`)
    .replace(/^k=[^\r\n]*/gim, `k=${MASK}`);
  return redactText(masked).replace(/\uE000(\d+)\uE000/g, (_m, i: string) => kept[Number(i)] ?? MASK);
}
