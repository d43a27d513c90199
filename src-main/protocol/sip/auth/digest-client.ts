/**
 * Digest authentication, client side (RFC 3261 §22.2–§22.4, RFC 7616, RFC 8760).
 *
 *  1. A 401/407 arrives: `handleChallenge` reads every WWW-/Proxy-Authenticate, keeps per realm the
 *     strongest Digest challenge we support (RFC 8760 §2.4), and caches it with its nonce count.
 *  2. The TU builds the retried request (new CSeq and branch, §22.2) and calls `authorize`, which
 *     adds one Authorization or Proxy-Authorization per cached realm (nc incremented per request,
 *     RFC 7616 §3.4). Later requests to the same realms are authorized up front (credential caching,
 *     §22.3) until the server says otherwise.
 *  3. A challenge with stale=TRUE only refreshes the nonce (RFC 7616 §3.3); a new non-stale
 *     challenge for a realm whose nonce we already answered means the credentials were refused.
 *
 * Secrets never leave through logs: the computed header goes only into the request (and the logger
 * redacts Authorization headers by construction, DESIGN.md rule 3).
 */
import { err, ok, type CodedError, type Result } from '../../../base/result.js';
import type { Rng } from '../../../base/rng.js';
import { toHex } from '../../../base/bytes.js';
import { formatAuthValue } from '../message/auth-header.js';
import { byteStringToText, textToByteString } from '../message/byte-string.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { paramText, type SipParam } from '../message/parameters.js';
import { formatUri } from '../message/uri.js';
import { algorithmStrength } from './digest-algorithm.js';
import { readDigestChallenge, type DigestChallenge, type Qop } from './digest-challenge.js';
import { digestResponse, hashedUsername } from './digest-response.js';

/** Realms (WWW and proxy) whose challenges are kept at once; more in one challenge are not answered. */
export const MAX_CACHED_REALMS = 8;

export interface DigestCredentials {
  readonly username: string;
  readonly password: string;
  /** When set, these credentials answer only challenges for this realm. */
  readonly realm?: string;
}

export type DigestErrorCode = 'not-a-challenge' | 'no-supported-challenge' | 'no-credentials' | 'credentials-rejected';
export type DigestError = CodedError<DigestErrorCode>;

export interface DigestClientOptions {
  /** Credentials, or a lookup by realm (several accounts behind one client). */
  readonly credentials: DigestCredentials | ((realm: string) => DigestCredentials | undefined);
  readonly rng: Rng;
  /** Use auth-int when offered and the request has a body (default: auth when offered). */
  readonly preferAuthInt?: boolean;
}

interface CachedChallenge {
  readonly challenge: DigestChallenge;
  readonly credentials: DigestCredentials;
  readonly cnonce: string;
  /** Requests answered with this nonce so far. */
  nc: number;
}

export class DigestClient {
  private readonly cache = new Map<string, CachedChallenge>();

  constructor(private readonly options: DigestClientOptions) {}

  /** Realms we hold a challenge for (for the UI: "authenticated to …"). */
  get realms(): string[] {
    return [...this.cache.values()].map((c) => c.challenge.realm);
  }

  /**
   * Learns the challenges of a 401 or 407 answering `request`. Returns the realms it can now
   * answer; an error when it cannot answer any (the TU should then give up rather than retry).
   * As in most UAs (e.g. PJSIP), a non-stale challenge for a realm the request already carried
   * credentials for means they were refused; the cached entry is dropped so that a later, fresh
   * attempt starts clean.
   */
  handleChallenge(response: SipResponse, request?: SipRequest): Result<string[], DigestError> {
    if (response.status !== 401 && response.status !== 407) return err({ code: 'not-a-challenge', message: `status ${response.status} is not 401/407` });
    const proxy = response.status === 407;
    const values = proxy ? response.headers.proxyAuthenticate() : response.headers.wwwAuthenticate();
    const best = new Map<string, DigestChallenge>();
    for (const v of values) {
      const c = readDigestChallenge(v, proxy);
      if (typeof c === 'string') continue;
      const seen = best.get(c.realm);
      if (seen === undefined || algorithmStrength(c.algorithm) > algorithmStrength(seen.algorithm)) best.set(c.realm, c);
    }
    if (best.size === 0) return err({ code: 'no-supported-challenge', message: 'no Digest challenge with a supported algorithm and qop' });
    const sentRealms = request === undefined ? new Set<string>() : realmsAnswered(request, proxy);
    const answered: string[] = [];
    let rejected = false;
    for (const [realm, challenge] of best) {
      const key = this.key(realm, proxy);
      if (sentRealms.has(realm) && !challenge.stale) {
        this.cache.delete(key);
        rejected = true;
        continue;
      }
      const credentials = this.credentialsFor(realm);
      if (credentials === undefined) continue;
      // Bounded (issue 15): a challenge naming endless realms cannot grow every request's headers.
      if (!this.cache.has(key) && this.cache.size >= MAX_CACHED_REALMS) continue;
      this.cache.set(key, { challenge, credentials, cnonce: toHex(this.options.rng.bytes(16)), nc: 0 });
      answered.push(realm);
    }
    if (answered.length > 0) return ok(answered);
    if (rejected) return err({ code: 'credentials-rejected', message: 'the server refused the credentials (challenged again without stale=true)' });
    return err({ code: 'no-credentials', message: `no credentials for realm(s) ${[...best.keys()].join(', ')}` });
  }

  /**
   * Adds Authorization / Proxy-Authorization headers for every cached realm to `request`
   * (replacing any from a previous attempt). Returns how many were added.
   */
  authorize(request: SipRequest): number {
    request.headers.remove('authorization');
    request.headers.remove('proxy-authorization');
    let added = 0;
    for (const entry of this.cache.values()) {
      const header = this.credentialsHeader(entry, request);
      request.headers.appendRaw(entry.challenge.proxy ? 'Proxy-Authorization' : 'Authorization', header);
      added++;
    }
    return added;
  }

  /** Forgets everything (account removed, password changed). */
  clear(): void {
    this.cache.clear();
  }

  private key(realm: string, proxy: boolean): string {
    return `${proxy ? 'proxy' : 'www'}\u0000${realm}`;
  }

  private credentialsFor(realm: string): DigestCredentials | undefined {
    const c = this.options.credentials;
    const creds = typeof c === 'function' ? c(realm) : c;
    if (creds === undefined) return undefined;
    if (creds.realm !== undefined && creds.realm !== realm) return undefined;
    return creds;
  }

  private credentialsHeader(entry: CachedChallenge, request: SipRequest): string {
    const { challenge, credentials } = entry;
    const qop = chooseQop(challenge.qop, request.body.length > 0 && this.options.preferAuthInt === true);
    entry.nc++;
    const nc = entry.nc.toString(16).padStart(8, '0');
    const uri = formatUri(request.uri);
    const response = digestResponse({
      algorithm: challenge.algorithm,
      username: credentials.username,
      password: credentials.password,
      realm: challenge.realm,
      nonce: challenge.nonce,
      method: request.method,
      uri,
      qop,
      nc,
      cnonce: entry.cnonce,
      body: request.body,
    });
    const username = challenge.userhash ? hashedUsername(challenge.algorithm, credentials.username, challenge.realm) : credentials.username;
    const params: SipParam[] = [
      { name: 'username', value: quoted(username) },
      { name: 'realm', value: quoted(challenge.realm) },
      { name: 'nonce', value: quoted(challenge.nonce) },
      { name: 'uri', value: quoted(uri) },
      { name: 'response', value: quoted(response) },
      { name: 'algorithm', value: challenge.algorithm },
    ];
    if (challenge.opaque !== undefined) params.push({ name: 'opaque', value: quoted(challenge.opaque) });
    if (qop !== undefined) {
      params.push({ name: 'qop', value: qop }, { name: 'nc', value: nc }, { name: 'cnonce', value: quoted(entry.cnonce) });
    }
    if (challenge.userhash) params.push({ name: 'userhash', value: 'true' });
    return formatAuthValue({ scheme: 'Digest', params, token68: undefined });
  }
}

/** Realms a request already carried credentials for (in Authorization, or Proxy-Authorization). */
function realmsAnswered(request: SipRequest, proxy: boolean): Set<string> {
  const values = proxy ? request.headers.proxyAuthorization() : request.headers.authorization();
  const out = new Set<string>();
  for (const v of values) {
    const realm = paramText(v.params, 'realm');
    if (realm !== undefined) out.add(byteStringToText(realm));
  }
  return out;
}

function chooseQop(offered: readonly Qop[], wantIntegrity: boolean): Qop | undefined {
  if (offered.length === 0) return undefined;
  if (wantIntegrity && offered.includes('auth-int')) return 'auth-int';
  return offered.includes('auth') ? 'auth' : 'auth-int';
}

/**
 * A quoted-string of UTF-8 text as a header byte string. Control characters a challenge carried as
 * quoted-pairs (RFC 3261 §25.1 allows %x00-09 / %x0B-0C / %x0E-7F) go back as quoted-pairs: raw,
 * they would make our own header unparsable (found by fuzzing, test/corpus/digest/crashers).
 */
function quoted(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped here
  return `"${textToByteString(text).replace(/["\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\${c}`)}"`;
}
