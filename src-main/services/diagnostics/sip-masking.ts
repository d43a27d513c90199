/**
 * Masks a SIP message for the SIP log viewer and the diagnostics bundle (DESIGN.md rule 3).
 * The rules are the logger's (base/redact.ts, one implementation for both): SDES key material
 * after `inline:` in any casing (RFC 4568 §9.1), `a=key-mgmt` data and SDP `k=` lines,
 * user:password@ URIs, private keys, secret-named fields, also inside JSON-escaped text. Two
 * things differ: the mask reads `[masked]`, and a Digest Authorization/Proxy-Authorization value
 * keeps scheme, username, realm, nonce, uri, qop and nc (what IT needs to see) and loses only its
 * `response`, `cnonce` (and `rspauth`, `auts`); any other scheme loses its credentials whole.
 * Masking is by construction: the log never holds the unmasked text.
 */
import { redactText, type RedactOptions } from '../../base/redact.js';

export const MASK = '[masked]';

const SIP_LOG: RedactOptions = { mask: MASK, authorization: 'digest-parameters' };

export function maskSipText(text: string): string {
  return redactText(text, SIP_LOG);
}
