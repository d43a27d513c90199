/**
 * The Digest response computation, RFC 7616 §3.4.1–§3.4.3 (RFC 2617 §3.2.2 for MD5, RFC 3261 §22.4):
 *   A1 = username ":" realm ":" password                     (for -sess: H(that) ":" nonce ":" cnonce)
 *   A2 = method ":" digest-uri                               (auth-int: … ":" H(entity-body))
 *   response = H(H(A1) ":" nonce ":" nc ":" cnonce ":" qop ":" H(A2))   with qop
 *            = H(H(A1) ":" nonce ":" H(A2))                               without qop (RFC 2069)
 * userhash (RFC 7616 §3.4.4): the username sent is H(username ":" realm).
 */
import { digestHex, isSessionAlgorithm, type DigestAlgorithm } from './digest-algorithm.js';
import type { Qop } from './digest-challenge.js';

export interface DigestInput {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly password: string;
  readonly realm: string;
  readonly nonce: string;
  readonly method: string;
  readonly uri: string;
  readonly qop: Qop | undefined;
  /** 8 hex digits, e.g. "00000001" (required with qop). */
  readonly nc?: string;
  readonly cnonce?: string;
  /** The message body, for auth-int. */
  readonly body?: Uint8Array;
}

export function digestResponse(i: DigestInput): string {
  const alg = i.algorithm;
  let ha1 = digestHex(alg, `${i.username}:${i.realm}:${i.password}`);
  if (isSessionAlgorithm(alg)) ha1 = digestHex(alg, `${ha1}:${i.nonce}:${i.cnonce ?? ''}`);
  const a2 = i.qop === 'auth-int' ? `${i.method}:${i.uri}:${digestHex(alg, i.body ?? new Uint8Array(0))}` : `${i.method}:${i.uri}`;
  const ha2 = digestHex(alg, a2);
  if (i.qop === undefined) return digestHex(alg, `${ha1}:${i.nonce}:${ha2}`);
  return digestHex(alg, `${ha1}:${i.nonce}:${i.nc ?? '00000001'}:${i.cnonce ?? ''}:${i.qop}:${ha2}`);
}

export function hashedUsername(algorithm: DigestAlgorithm, username: string, realm: string): string {
  return digestHex(algorithm, `${username}:${realm}`);
}
