/**
 * Digest hash algorithms: MD5 and MD5-sess (RFC 2617 §3.2.2.2, RFC 3261 §22.4), SHA-256 and
 * SHA-512-256 with their -sess variants (RFC 7616 §3.2, §6.1; RFC 8760 §2.2 for SIP).
 * Primitives come from node:crypto (DESIGN.md rule 6).
 */
import { createHash } from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' | 'SHA-512-256' | 'SHA-512-256-sess';

const NODE_HASH: Readonly<Record<DigestAlgorithm, string>> = {
  MD5: 'md5',
  'MD5-sess': 'md5',
  'SHA-256': 'sha256',
  'SHA-256-sess': 'sha256',
  'SHA-512-256': 'sha512-256',
  'SHA-512-256-sess': 'sha512-256',
};

/** Preference when a server offers several (RFC 8760 §2.4: the client uses the strongest it supports). */
const STRENGTH: Readonly<Record<DigestAlgorithm, number>> = {
  MD5: 1,
  'MD5-sess': 1,
  'SHA-256': 2,
  'SHA-256-sess': 2,
  'SHA-512-256': 3,
  'SHA-512-256-sess': 3,
};

/** Maps an `algorithm=` token (case-insensitive; absent means MD5, RFC 2617 §3.2.1) to a supported algorithm. */
export function digestAlgorithm(token: string | undefined): DigestAlgorithm | undefined {
  if (token === undefined) return 'MD5';
  const upper = token.toUpperCase();
  for (const a of Object.keys(NODE_HASH) as DigestAlgorithm[]) if (a.toUpperCase() === upper) return a;
  return undefined;
}

export function algorithmStrength(a: DigestAlgorithm): number {
  return STRENGTH[a];
}

export function isSessionAlgorithm(a: DigestAlgorithm): boolean {
  return a.endsWith('-sess');
}

/** Lower-case hex digest of UTF-8 text or raw bytes. */
export function digestHex(a: DigestAlgorithm, data: string | Uint8Array): string {
  const h = createHash(NODE_HASH[a]);
  if (typeof data === 'string') h.update(data, 'utf8');
  else h.update(data);
  return h.digest('hex');
}
