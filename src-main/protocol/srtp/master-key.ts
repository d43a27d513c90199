/**
 * Master keys of an SRTP crypto context (RFC 3711 §3.2.1): the key and salt, the optional MKI that
 * names the key on the wire (§3.1), the key derivation rate (§4.3.1), the lifetime (§9.2,
 * RFC 4568 §6.1), and the session keys derived from it.
 *
 * Key material is kept out of reach of logs by construction: `SrtpKeyParams` objects reach no
 * report, and `MasterKey` serializes (JSON, util.inspect) to a description without key octets.
 */
import { codedError, err, ok, type CodedError, type Result } from '../../base/result.js';
import { AesBlockCipher } from './aes-block.js';
import { GhashKey } from './ghash.js';
import { HmacSha1 } from './hmac-sha1.js';
import { deriveSessionKeys, keyDerivationIndex, type DerivedSessionKeys } from './key-derivation.js';
import { SRTP_SUITES, isSrtpSuiteName, type SrtpSuite, type SrtpSuiteName } from './srtp-suite.js';

/** What an SRTP context is built from (RFC 3711 §3.2.1; as negotiated by SDES, RFC 4568 §6.1). */
export interface SrtpKeyParams {
  readonly suite: SrtpSuiteName;
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
  /** The MKI value as its wire octets (so its length is the MKI length). Absent: no MKI. */
  readonly mki?: Uint8Array;
  /**
   * Key derivation rate as the exponent n of SDES `KDR=n` (rate 2^n, RFC 4568 §6.3.1). Absent:
   * rate 0, the session keys are derived once (RFC 3711 §4.3.1).
   */
  readonly kdr?: number;
  /** Master key lifetime in packets (applied separately to SRTP and SRTCP). Absent: the suite maximum. */
  readonly lifetime?: number;
}

export type SrtpConfigErrorCode =
  | 'unknown-suite'
  | 'bad-key-length'
  | 'bad-salt-length'
  | 'bad-mki'
  | 'bad-kdr'
  | 'bad-lifetime'
  | 'no-keys';

export type SrtpConfigError = CodedError<SrtpConfigErrorCode>;

/** Checks one key's parameters. Messages never contain key octets. */
export function validateKeyParams(p: SrtpKeyParams): Result<SrtpSuite, SrtpConfigError> {
  if (!isSrtpSuiteName(p.suite)) return err(codedError('unknown-suite', 'unknown SRTP suite', { suite: String(p.suite) }));
  const suite = SRTP_SUITES[p.suite];
  if (p.masterKey.length !== suite.keyLength)
    return err(codedError('bad-key-length', `${suite.name} needs a ${suite.keyLength}-octet master key`, { length: p.masterKey.length }));
  if (p.masterSalt.length !== suite.saltLength)
    return err(codedError('bad-salt-length', `${suite.name} needs a ${suite.saltLength}-octet master salt`, { length: p.masterSalt.length }));
  if (p.mki !== undefined && (p.mki.length < 1 || p.mki.length > 128))
    return err(codedError('bad-mki', 'MKI length must be 1..128 octets', { length: p.mki.length }));
  if (p.kdr !== undefined && !(Number.isInteger(p.kdr) && p.kdr >= 0 && p.kdr <= 24))
    return err(codedError('bad-kdr', 'KDR exponent must be an integer 0..24', { kdr: p.kdr }));
  if (p.lifetime !== undefined && !(Number.isInteger(p.lifetime) && p.lifetime >= 1 && p.lifetime <= suite.maxSrtpPackets))
    return err(codedError('bad-lifetime', 'lifetime must be 1..2^48 packets', { lifetime: p.lifetime }));
  return ok(suite);
}

/** The session keys for one packet family (SRTP or SRTCP) and one key derivation index r. */
export class SessionKeySet {
  /** The keystream block cipher (both transforms). */
  readonly aes: AesBlockCipher;
  /** AES-CM suites: the HMAC key states. */
  readonly hmac: HmacSha1 | undefined;
  /** GCM suites: the GHASH tables for H = AES_K(0^128). */
  readonly ghash: GhashKey | undefined;
  readonly salt: Uint8Array;

  constructor(suite: SrtpSuite, encryptionKey: Uint8Array, authenticationKey: Uint8Array, salt: Uint8Array) {
    this.salt = salt;
    this.aes = new AesBlockCipher(encryptionKey);
    if (suite.transform === 'aes-cm') {
      this.hmac = new HmacSha1(authenticationKey);
      this.ghash = undefined;
    } else {
      this.hmac = undefined;
      const h = this.aes.encryptBlocks(new Uint8Array(16));
      this.ghash = new GhashKey(h);
      h.fill(0);
    }
    encryptionKey.fill(0);
    authenticationKey.fill(0);
  }

  dispose(): void {
    this.hmac?.dispose();
    this.ghash?.dispose();
    this.salt.fill(0);
  }
}

const MAX_CACHED_KEY_SETS = 4;

/**
 * Session keys given directly instead of derived: only for running published packet vectors
 * (RFC 7714 §16-17 list session keys, not master keys) through the real packet path.
 */
export interface FixedSessionKeys {
  readonly rtp: DerivedSessionKeys;
  readonly rtcp: DerivedSessionKeys;
}

function copyKeys(k: DerivedSessionKeys): DerivedSessionKeys {
  return { encryptionKey: new Uint8Array(k.encryptionKey), authenticationKey: new Uint8Array(k.authenticationKey), salt: new Uint8Array(k.salt) };
}

export type KeyLifetimeState = 'ok' | 'rekey-soon' | 'expired';

export class MasterKey {
  readonly suite: SrtpSuite;
  readonly mki: Uint8Array | undefined;
  readonly kdr: number | undefined;
  readonly srtpLimit: number;
  readonly srtcpLimit: number;
  srtpUsed = 0;
  srtcpUsed = 0;
  /** Which lifetime notifications were already given (bit 0 SRTP soon, 1 SRTCP soon, 2 expired). */
  notified = 0;

  private readonly prf: AesBlockCipher;
  private readonly masterKey: Uint8Array;
  private readonly masterSalt: Uint8Array;
  private readonly rtpSets = new Map<number, SessionKeySet>();
  private readonly rtcpSets = new Map<number, SessionKeySet>();

  constructor(
    params: SrtpKeyParams,
    private readonly fixedSessionKeys?: FixedSessionKeys,
  ) {
    const v = validateKeyParams(params);
    if (!v.ok) throw new RangeError(`invalid SRTP key parameters: ${v.error.code}`);
    this.suite = v.value;
    this.masterKey = new Uint8Array(params.masterKey);
    // GCM's 96-bit master salt is padded to the PRF's 112 bits (see key-derivation.ts).
    this.masterSalt = new Uint8Array(14);
    this.masterSalt.set(params.masterSalt);
    this.mki = params.mki === undefined ? undefined : new Uint8Array(params.mki);
    this.kdr = params.kdr;
    this.srtpLimit = Math.min(params.lifetime ?? Infinity, this.suite.maxSrtpPackets);
    this.srtcpLimit = Math.min(params.lifetime ?? Infinity, this.suite.maxSrtcpPackets);
    this.prf = new AesBlockCipher(this.masterKey);
  }

  /** Session keys for SRTP packet index `index` (RFC 3711 §4.3.1). */
  rtpKeys(index: number): SessionKeySet {
    return this.keySet(this.rtpSets, false, keyDerivationIndex(index, this.kdr));
  }

  /** Session keys for SRTCP index `index`. */
  rtcpKeys(index: number): SessionKeySet {
    return this.keySet(this.rtcpSets, true, keyDerivationIndex(index, this.kdr));
  }

  lifetimeState(): KeyLifetimeState {
    if (this.srtpUsed >= this.srtpLimit || this.srtcpUsed >= this.srtcpLimit) return 'expired';
    if (this.srtpUsed >= softLimit(this.srtpLimit) || this.srtcpUsed >= softLimit(this.srtcpLimit)) return 'rekey-soon';
    return 'ok';
  }

  private keySet(cache: Map<number, SessionKeySet>, rtcp: boolean, r: number): SessionKeySet {
    const hit = cache.get(r);
    if (hit !== undefined) return hit;
    const s = this.suite;
    const fixed = this.fixedSessionKeys?.[rtcp ? 'rtcp' : 'rtp'];
    const keys = fixed !== undefined ? copyKeys(fixed) : deriveSessionKeys(
      {
        masterKey: this.masterKey,
        masterSalt: this.masterSalt,
        encryptionKeyLength: s.keyLength,
        authenticationKeyLength: s.authKeyLength,
        saltLength: s.saltLength,
      },
      rtcp,
      r,
      this.prf,
    );
    const set = new SessionKeySet(s, keys.encryptionKey, keys.authenticationKey, keys.salt);
    if (cache.size >= MAX_CACHED_KEY_SETS) {
      const oldest = cache.keys().next().value as number;
      cache.get(oldest)?.dispose();
      cache.delete(oldest);
    }
    cache.set(r, set);
    return set;
  }

  dispose(): void {
    for (const set of this.rtpSets.values()) set.dispose();
    for (const set of this.rtcpSets.values()) set.dispose();
    this.rtpSets.clear();
    this.rtcpSets.clear();
    this.masterKey.fill(0);
    this.masterSalt.fill(0);
  }

  toJSON(): Record<string, unknown> {
    return { suite: this.suite.name, mkiLength: this.mki?.length ?? 0, srtpUsed: this.srtpUsed, srtcpUsed: this.srtcpUsed };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `MasterKey(${this.suite.name}, [key material hidden])`;
  }
}

/** Usage at which a key should be replaced: the last 1/16 of its lifetime (at least one packet). */
export function softLimit(limit: number): number {
  return limit - Math.max(1, Math.floor(limit / 16));
}
