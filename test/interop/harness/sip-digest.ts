/**
 * A tiny HTTP digest (RFC 2617, MD5, qop=auth or none) for hand-written SIP requests in harness
 * tests (RFC 3261 §22.4). Test tooling only: our product's digest lives in src-main/protocol.
 */
import { createHash, randomBytes } from 'node:crypto';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

export interface DigestChallenge {
  readonly scheme: string;
  readonly realm: string;
  readonly nonce: string;
  readonly opaque?: string;
  readonly algorithm?: string;
  /** The qop options offered, e.g. ['auth'] or ['auth', 'auth-int']. */
  readonly qop: readonly string[];
  readonly stale: boolean;
}

/** Parses a WWW-Authenticate / Proxy-Authenticate value (`Digest realm="...", nonce="..."`). */
export function parseDigestChallenge(value: string): DigestChallenge {
  const m = /^\s*(\S+)\s+(.*)$/s.exec(value);
  if (m === null) throw new Error(`not a challenge: ${value}`);
  const params = new Map<string, string>();
  for (const p of (m[2] ?? '').matchAll(/([A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g)) {
    params.set((p[1] ?? '').toLowerCase(), p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : (p[3] ?? ''));
  }
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (realm === undefined || nonce === undefined) throw new Error(`challenge without realm or nonce: ${value}`);
  const opaque = params.get('opaque');
  const algorithm = params.get('algorithm');
  return {
    scheme: m[1] ?? '',
    realm,
    nonce,
    ...(opaque !== undefined ? { opaque } : {}),
    ...(algorithm !== undefined ? { algorithm } : {}),
    qop: (params.get('qop') ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    stale: (params.get('stale') ?? '').toLowerCase() === 'true',
  };
}

export interface DigestInput {
  readonly challenge: DigestChallenge;
  readonly method: string;
  readonly uri: string;
  readonly username: string;
  readonly password: string;
  /** Default: random 16 hex digits. */
  readonly cnonce?: string;
  /** Nonce count; default 1. */
  readonly nc?: number;
}

/** The `response` value (RFC 2617 §3.2.2.1). */
export function digestResponse(input: DigestInput & { cnonce: string; nc: number }): string {
  const { challenge: c } = input;
  const ha1 = md5(`${input.username}:${c.realm}:${input.password}`);
  const ha2 = md5(`${input.method}:${input.uri}`);
  if (c.qop.includes('auth')) {
    const nc = input.nc.toString(16).padStart(8, '0');
    return md5(`${ha1}:${c.nonce}:${nc}:${input.cnonce}:auth:${ha2}`);
  }
  return md5(`${ha1}:${c.nonce}:${ha2}`);
}

/** A complete Authorization / Proxy-Authorization header value. */
export function digestAuthorization(input: DigestInput): string {
  const cnonce = input.cnonce ?? randomBytes(8).toString('hex');
  const nc = input.nc ?? 1;
  const { challenge: c } = input;
  const parts = [
    `username="${input.username}"`,
    `realm="${c.realm}"`,
    `nonce="${c.nonce}"`,
    `uri="${input.uri}"`,
    `response="${digestResponse({ ...input, cnonce, nc })}"`,
    `algorithm=MD5`,
  ];
  if (c.opaque !== undefined) parts.push(`opaque="${c.opaque}"`);
  if (c.qop.includes('auth')) parts.push(`qop=auth`, `nc=${nc.toString(16).padStart(8, '0')}`, `cnonce="${cnonce}"`);
  return `Digest ${parts.join(', ')}`;
}
