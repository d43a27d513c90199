/**
 * A Digest challenge from WWW-Authenticate / Proxy-Authenticate (RFC 7616 §3.3, RFC 2617 §3.2.1,
 * RFC 3261 §22.1): realm and nonce are required; qop lists the protection options; stale=true says
 * only the nonce is old (retry without asking the user); userhash asks for a hashed username (RFC 7616 §3.4.4).
 * Quoted values are decoded as UTF-8 text (RFC 7616 §3.3 charset); hashing re-encodes them as UTF-8.
 */
import type { AuthValue } from '../message/auth-header.js';
import { byteStringToText } from '../message/byte-string.js';
import { paramText } from '../message/parameters.js';
import { digestAlgorithm, type DigestAlgorithm } from './digest-algorithm.js';

export type Qop = 'auth' | 'auth-int';

export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | undefined;
  readonly algorithm: DigestAlgorithm;
  /** Offered qop values we support, in the server's order; empty means RFC 2069 style (no qop). */
  readonly qop: readonly Qop[];
  readonly stale: boolean;
  readonly userhash: boolean;
  /** 401 → Authorization; 407 → Proxy-Authorization (RFC 3261 §22.2, §22.3). */
  readonly proxy: boolean;
}

export type ChallengeProblem = 'not-digest' | 'missing-realm' | 'missing-nonce' | 'unsupported-algorithm' | 'unsupported-qop';

export function readDigestChallenge(value: AuthValue, proxy: boolean): DigestChallenge | ChallengeProblem {
  if (value.scheme.toLowerCase() !== 'digest') return 'not-digest';
  const p = value.params;
  const realm = paramText(p, 'realm');
  const nonce = paramText(p, 'nonce');
  if (realm === undefined) return 'missing-realm';
  if (nonce === undefined) return 'missing-nonce';
  const opaque = paramText(p, 'opaque');
  const algorithm = digestAlgorithm(paramText(p, 'algorithm'));
  if (algorithm === undefined) return 'unsupported-algorithm';
  const qopText = paramText(p, 'qop');
  const offered = qopText === undefined ? [] : qopText.split(',').map((q) => q.trim().toLowerCase()).filter((q) => q !== '');
  const qop = offered.filter((q): q is Qop => q === 'auth' || q === 'auth-int');
  if (offered.length > 0 && qop.length === 0) return 'unsupported-qop';
  return {
    realm: byteStringToText(realm),
    nonce: byteStringToText(nonce),
    opaque: opaque === undefined ? undefined : byteStringToText(opaque),
    algorithm,
    qop,
    stale: paramText(p, 'stale')?.toLowerCase() === 'true',
    userhash: paramText(p, 'userhash')?.toLowerCase() === 'true',
    proxy,
  };
}
