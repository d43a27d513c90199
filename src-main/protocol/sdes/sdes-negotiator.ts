/**
 * SDES negotiation for one media stream (RFC 4568 §5 offer/answer, §6.1-6.3 SRTP parameters,
 * §7.1.4 re-offers), as offerer and as answerer, under a policy (mandatory | optional | off) and
 * with the transport of the signalling hop in mind (RFC 4568 §8.3: keys in SDP are readable by
 * anyone on a hop that is not TLS).
 *
 * Whole-session offer/answer (codecs, ports, directions) lives in sdp/offer-answer.ts, which calls
 * these functions per m= line. Every outcome comes with a MediaSecurityReport saying why.
 */
import type { Rng } from '../../base/rng.js';
import { timingSafeEqualBytes } from '../../base/bytes.js';
import type { SrtpKeyParams } from '../srtp/master-key.js';
import { DEFAULT_REPLAY_WINDOW } from '../srtp/replay-window.js';
import type { SrtpContextOptions } from '../srtp/srtp-context.js';
import { SrtpSession } from '../srtp/srtp-session.js';
import { canonicalSuiteName, SRTP_SUITES, type SrtpSuite, type SrtpSuiteName } from '../srtp/srtp-suite.js';
import {
  describeSessionParam,
  KeyMaterial,
  parseCryptoAttribute,
  type CryptoAttribute,
  type KeyParam,
  type SessionParam,
} from './crypto-attribute.js';
import type { CryptoLineReport, MediaReasonCode, MediaSecurityReport, ReportWarning } from './negotiation-report.js';
import { DEFAULT_SDES_SUITES, isSecureTransport, type SdesConfig } from './sdes-config.js';

/** The keys a media stream's SrtpSession is built from. Holds key material: never log or report it. */
export interface SrtpKeyBundle {
  readonly suite: SrtpSuiteName;
  readonly tag: number;
  /** Our key: protects what we send. */
  readonly send: SrtpKeyParams;
  /** The peer's key(s) (several only with MKI): unprotect what we receive. */
  readonly receive: readonly SrtpKeyParams[];
  /** Replay window for the receive side (at least 128, or the peer's WSH). */
  readonly replayWindowSize: number;
}

/** The SrtpSession for a negotiated stream: our key protects, the peer's unprotect, its replay window. */
export function srtpSessionFor(keys: SrtpKeyBundle, options: Omit<SrtpContextOptions, 'replayWindowSize' | 'fixedSessionKeysForVectors'> = {}): SrtpSession {
  return new SrtpSession({ send: keys.send, receive: keys.receive }, { ...options, replayWindowSize: keys.replayWindowSize });
}

/** One a=crypto line we offered, with the key it carries (kept until the answer arrives). */
export interface OfferedCrypto {
  readonly tag: number;
  readonly suite: SrtpSuiteName;
  readonly attribute: CryptoAttribute;
  readonly key: SrtpKeyParams;
}

/** The security half of a stream's offer. */
export interface CryptoOffer {
  readonly profile: 'RTP/SAVP' | 'RTP/AVP';
  /** Empty when the offer carries no keys. */
  readonly offered: readonly OfferedCrypto[];
  /** Set when the offer is plain RTP: why. */
  readonly plainReason?: { readonly code: MediaReasonCode; readonly text: string };
  readonly warnings: readonly ReportWarning[];
}

export type CryptoOfferResult = { readonly ok: true; readonly offer: CryptoOffer } | { readonly ok: false; readonly code: MediaReasonCode; readonly reason: string };

/** The security-relevant part of an m= line. */
export interface MediaCryptoInput {
  readonly index: number;
  readonly media: string;
  readonly profile: string;
  /** Values of the a=crypto attributes (text after `a=crypto:`). */
  readonly cryptoValues: readonly string[];
}

export interface CryptoAnswer {
  readonly kind: 'srtp' | 'rtp' | 'reject';
  /** The profile to answer with (the offered one when accepted). */
  readonly profile: string;
  /** Our a=crypto for the answer (kind 'srtp'). */
  readonly attribute?: CryptoAttribute;
  readonly keys?: SrtpKeyBundle;
  readonly report: MediaSecurityReport;
  readonly warnings: readonly ReportWarning[];
}

export interface AnswerOutcome {
  readonly kind: 'srtp' | 'rtp' | 'fail';
  readonly keys?: SrtpKeyBundle;
  readonly report: MediaSecurityReport;
  readonly warnings: readonly ReportWarning[];
}

/** What a previous negotiation of this stream left, so a re-offer that changes nothing keeps its keys. */
export interface PreviousCrypto {
  readonly attribute: CryptoAttribute;
  readonly keys: SrtpKeyBundle;
}

const SAVP_PROFILES = new Set(['RTP/SAVP', 'RTP/SAVPF']);
const AVP_PROFILES = new Set(['RTP/AVP', 'RTP/AVPF']);
const DTLS_PROFILES = /^(UDP|TCP)\/TLS\/RTP\/SAVPF?$/i;
const SHORT_LIFETIME = 2 ** 22;

function suitesOf(cfg: SdesConfig): readonly SrtpSuiteName[] {
  return cfg.suites ?? DEFAULT_SDES_SUITES;
}

function insecureWarning(cfg: SdesConfig, index?: number): ReportWarning {
  return {
    code: 'keys-over-insecure-signalling',
    message: `SRTP keys are written into SDP sent over ${cfg.transport.toUpperCase()}: anyone on the signalling path can decrypt this call's media. Use SIP over TLS.`,
    ...(index === undefined ? {} : { mediaIndex: index }),
  };
}

/** Fresh key||salt for `suite` from the injected Rng (DESIGN.md rule 1). */
export function generateKey(suite: SrtpSuiteName, rng: Rng, mki?: { value: string; length: number }): { params: SrtpKeyParams; keyParam: KeyParam } {
  const s = SRTP_SUITES[suite];
  const bytes = rng.bytes(s.keyLength + s.saltLength);
  const params: SrtpKeyParams = {
    suite,
    masterKey: bytes.slice(0, s.keyLength),
    masterSalt: bytes.slice(s.keyLength),
    ...(mki === undefined ? {} : { mki: mkiBytes(mki.value, mki.length) }),
  };
  const keyParam: KeyParam = { method: 'inline', key: KeyMaterial.fromBytes(bytes), ...(mki === undefined ? {} : { mki }) };
  bytes.fill(0);
  return { params, keyParam };
}

function mkiBytes(value: string, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = BigInt(value);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

// ------------------------------------------------------------------ evaluating offered lines

interface AcceptableLine {
  readonly attribute: CryptoAttribute;
  readonly suite: SrtpSuite;
  readonly receive: readonly SrtpKeyParams[];
  readonly kdr: number | undefined;
  readonly windowSize: number;
  readonly mkiLength: number | undefined;
  readonly warnings: readonly ReportWarning[];
}

interface LineEvaluation {
  readonly report: CryptoLineReport;
  readonly acceptable?: AcceptableLine;
}

function lineReport(
  a: CryptoAttribute | undefined,
  verdict: CryptoLineReport['verdict'],
  reason: string,
): CryptoLineReport {
  if (a === undefined) return { tag: -1, suite: '', keyCount: 0, sessionParams: [], verdict, reason };
  const canonical = canonicalSuiteName(a.suite);
  const first = a.keyParams[0];
  const lifetime = first?.lifetime;
  return {
    tag: a.tag,
    suite: a.suite,
    ...(canonical !== undefined && canonical !== a.suite ? { canonicalSuite: canonical } : {}),
    keyCount: a.keyParams.length,
    ...(lifetime === undefined ? {} : { lifetime: lifetime.notation === 'power' ? `2^${lifetime.exponent}` : `${lifetime.packets}` }),
    ...(first?.mki === undefined ? {} : { mkiLength: first.mki.length }),
    sessionParams: a.sessionParams.map(describeSessionParam),
    verdict,
    reason,
  };
}

/** Judges one offered (or answered) a=crypto value against the configuration. */
export function evaluateCryptoLine(value: string, cfg: SdesConfig, seenTags: Set<number>, mediaIndex: number): LineEvaluation {
  const parsed = parseCryptoAttribute(value);
  if (!parsed.ok) return { report: lineReport(undefined, 'malformed', parsed.error.message) };
  const a = parsed.value;
  if (seenTags.has(a.tag)) return { report: lineReport(a, 'duplicate-tag', 'tag used by an earlier a=crypto line of this stream') };
  seenTags.add(a.tag);
  const canonical = canonicalSuiteName(a.suite);
  if (canonical === undefined) return { report: lineReport(a, 'unsupported-suite', 'suite not implemented') };
  if (!suitesOf(cfg).includes(canonical)) return { report: lineReport(a, 'suite-not-allowed', 'suite not enabled in this account') };
  const suite = SRTP_SUITES[canonical];
  const warnings: ReportWarning[] = [];
  let kdr: number | undefined;
  let windowSize = DEFAULT_REPLAY_WINDOW;
  for (const p of a.sessionParams) {
    const verdict = sessionParamVerdict(p);
    if (verdict === 'weakening') return { report: lineReport(a, 'weakening-session-param', `${describeSessionParam(p)} turns off protection; refused`) };
    if (verdict === 'unknown') return { report: lineReport(a, 'unsupported-session-param', `${describeSessionParam(p)} not understood (RFC 4568 §6.3.7)`) };
    if (p.kind === 'KDR') kdr = p.value;
    if (p.kind === 'WSH') windowSize = Math.max(windowSize, p.value);
    if (verdict === 'ignored')
      warnings.push({ code: 'ignored-session-param', message: `${describeSessionParam(p)} has no effect here (no FEC in use, or marked optional)`, mediaIndex });
  }
  const expected = suite.keyLength + suite.saltLength;
  const mkiLength = a.keyParams[0]?.mki?.length;
  const receive: SrtpKeyParams[] = [];
  for (const k of a.keyParams) {
    if (k.key.length !== expected)
      return { report: lineReport(a, 'bad-key-length', `${suite.name} needs ${expected} octets of key||salt, got ${k.key.length}`) };
    if (k.lifetime !== undefined && k.lifetime.packets > suite.maxSrtpPackets)
      return { report: lineReport(a, 'bad-lifetime', `lifetime above the suite maximum 2^48`) };
    if (k.mki?.length !== mkiLength) return { report: lineReport(a, 'bad-mki', 'all keys of a line need MKIs of one length') };
    receive.push({
      suite: suite.name,
      masterKey: k.key.bytes.slice(0, suite.keyLength),
      masterSalt: k.key.bytes.slice(suite.keyLength),
      ...(k.mki === undefined ? {} : { mki: mkiBytes(k.mki.value, k.mki.length) }),
      ...(kdr === undefined ? {} : { kdr }),
      ...(k.lifetime === undefined ? {} : { lifetime: k.lifetime.packets }),
    });
    if (k.lifetime !== undefined && k.lifetime.packets < SHORT_LIFETIME && !warnings.some((w) => w.code === 'short-key-lifetime'))
      warnings.push({ code: 'short-key-lifetime', message: `key lifetime ${k.lifetime.packets} packets: a long call needs re-keying`, mediaIndex });
  }
  if (receive.length > 1 && mkiLength === undefined)
    return { report: lineReport(a, 'bad-mki', 'several keys in one line need MKIs to tell them apart') };
  if (new Set(a.keyParams.map((k) => String(k.mki?.value))).size !== a.keyParams.length)
    return { report: lineReport(a, 'bad-mki', 'MKI values of one line must differ') };
  return {
    report: lineReport(a, 'acceptable', ''),
    acceptable: { attribute: a, suite, receive, kdr, windowSize, mkiLength, warnings },
  };
}

function sessionParamVerdict(p: SessionParam): 'ok' | 'ignored' | 'weakening' | 'unknown' {
  switch (p.kind) {
    case 'KDR':
    case 'WSH':
      return 'ok';
    case 'FEC_ORDER':
    case 'FEC_KEY':
      return 'ignored';
    case 'UNENCRYPTED_SRTP':
    case 'UNENCRYPTED_SRTCP':
    case 'UNAUTHENTICATED_SRTP':
      return 'weakening';
    case 'extension':
      return p.optional ? 'ignored' : 'unknown';
  }
}

function evaluateAll(input: MediaCryptoInput, cfg: SdesConfig): { reports: CryptoLineReport[]; acceptable: AcceptableLine[]; firstIndex: number } {
  const seen = new Set<number>();
  const reports: CryptoLineReport[] = [];
  const acceptable: AcceptableLine[] = [];
  let firstIndex = -1;
  input.cryptoValues.forEach((v, i) => {
    const e = evaluateCryptoLine(v, cfg, seen, input.index);
    reports.push(e.report);
    if (e.acceptable !== undefined) {
      if (firstIndex < 0) firstIndex = i;
      acceptable.push(e.acceptable);
    }
  });
  return { reports, acceptable, firstIndex };
}

// ------------------------------------------------------------------ offerer

/**
 * The security half of an offer for one stream. `reuse` (a previous negotiation of the same,
 * unchanged stream) keeps the negotiated suite, tag and our key; otherwise fresh keys for every
 * suite, tags 1..n (some PBXs refuse tag 0).
 */
export function offerCrypto(cfg: SdesConfig, rng: Rng, reuse?: PreviousCrypto): CryptoOfferResult {
  if (cfg.policy === 'off') return { ok: true, offer: { profile: 'RTP/AVP', offered: [], plainReason: { code: 'policy-off', text: 'media encryption is off for this account' }, warnings: [] } };
  const warnings: ReportWarning[] = [];
  if (!isSecureTransport(cfg.transport)) {
    if (cfg.allowInsecureTransport !== true) {
      const text = `refusing to put SRTP keys into SDP sent over ${cfg.transport.toUpperCase()} (not TLS)`;
      if (cfg.policy === 'mandatory') return { ok: false, code: 'insecure-signalling', reason: `${text}; encryption is mandatory, so no call can be offered` };
      return { ok: true, offer: { profile: 'RTP/AVP', offered: [], plainReason: { code: 'insecure-signalling', text }, warnings: [] } };
    }
    warnings.push(insecureWarning(cfg));
  }
  const profile = cfg.policy === 'mandatory' ? 'RTP/SAVP' : 'RTP/AVP';
  if (reuse !== undefined && suitesOf(cfg).includes(reuse.keys.suite)) {
    return { ok: true, offer: { profile, offered: [{ tag: reuse.attribute.tag, suite: reuse.keys.suite, attribute: reuse.attribute, key: reuse.keys.send }], warnings } };
  }
  const offered = suitesOf(cfg).map((suite, i): OfferedCrypto => {
    const { params, keyParam } = generateKey(suite, rng);
    return { tag: i + 1, suite, key: params, attribute: { tag: i + 1, suite, keyParams: [keyParam], sessionParams: [] } };
  });
  return { ok: true, offer: { profile, offered, warnings } };
}

/** A report entry for our own offer (role offerer, before or without an answer). */
export function offeredLinesReport(offer: CryptoOffer): CryptoLineReport[] {
  return offer.offered.map((o) => lineReport(o.attribute, 'acceptable', ''));
}

/**
 * Handles the answer for a stream we offered: finds the answered a=crypto among ours (coping with
 * answerers that renumber tags), validates the peer's key, and yields both keys.
 */
export function acceptAnswerCrypto(offer: CryptoOffer, answer: MediaCryptoInput, cfg: SdesConfig, previous?: PreviousCrypto): AnswerOutcome {
  const base = { index: answer.index, media: answer.media, offeredProfile: offer.profile, answeredProfile: answer.profile };
  const ours = offeredLinesReport(offer);
  const warnings: ReportWarning[] = [];
  const fail = (reasonCode: MediaReasonCode, reason: string): AnswerOutcome => ({
    kind: 'fail',
    report: { ...base, outcome: 'rejected', reasonCode, reason, cryptoOffered: ours },
    warnings,
  });
  if (offer.offered.length === 0) {
    if (SAVP_PROFILES.has(answer.profile.toUpperCase())) return fail('answer-crypto-mismatch', 'the answer uses RTP/SAVP but we offered no keys');
    const reasonCode = offer.plainReason?.code ?? 'policy-off';
    return { kind: 'rtp', report: { ...base, outcome: 'rtp', reasonCode, reason: offer.plainReason?.text ?? 'no encryption offered', cryptoOffered: ours }, warnings };
  }
  if (answer.cryptoValues.length === 0) {
    if (offer.profile === 'RTP/SAVP' || SAVP_PROFILES.has(answer.profile.toUpperCase()))
      return fail('peer-answered-no-crypto', 'the answer carries no a=crypto for a secure stream');
    warnings.push({ code: 'media-not-encrypted', message: 'the peer answered without SRTP: this stream is NOT encrypted', mediaIndex: answer.index });
    return { kind: 'rtp', report: { ...base, outcome: 'rtp', reasonCode: 'peer-answered-no-crypto', reason: 'the peer does not do SRTP (best-effort offer)', cryptoOffered: ours }, warnings };
  }
  if (answer.cryptoValues.length > 1)
    warnings.push({ code: 'answer-several-crypto-lines', message: 'the answer has several a=crypto lines (RFC 4568 §5.1.2 allows one); using the first that matches', mediaIndex: answer.index });
  const { acceptable } = evaluateAll(answer, cfg);
  for (const line of acceptable) {
    const byTag = offer.offered.find((o) => o.tag === line.attribute.tag);
    let match = byTag !== undefined && byTag.suite === line.suite.name ? byTag : undefined;
    if (match === undefined) {
      match = offer.offered.find((o) => o.suite === line.suite.name);
      if (match !== undefined)
        warnings.push({ code: 'answer-renumbered-tag', message: `the answer used tag ${line.attribute.tag} for ${line.suite.name}, which we offered as tag ${match.tag}`, mediaIndex: answer.index });
    }
    if (match === undefined) continue;
    warnings.push(...line.warnings);
    const keys: SrtpKeyBundle = {
      suite: line.suite.name,
      tag: match.tag,
      send: line.kdr === undefined ? match.key : { ...match.key, kdr: line.kdr },
      receive: line.receive,
      replayWindowSize: line.windowSize,
    };
    const chosen = { tag: match.tag, suite: match.suite, spelling: match.suite };
    const offeredReports = ours.map((r) => (r.tag === match.tag ? { ...r, verdict: 'chosen' as const } : r));
    const rekeyed =
      previous === undefined
        ? undefined
        : { send: previous.keys.send.masterKey !== match.key.masterKey, receive: !(previous.keys.suite === keys.suite && sameKeys(previous.keys.receive, keys.receive)) };
    return {
      kind: 'srtp',
      keys,
      report: {
        ...base,
        outcome: 'srtp',
        reasonCode: 'srtp-negotiated',
        reason: `SRTP with ${match.suite}`,
        cryptoOffered: offeredReports,
        chosen,
        ...(rekeyed === undefined ? {} : { rekeyed }),
      },
      warnings,
    };
  }
  return fail('answer-crypto-mismatch', 'no a=crypto in the answer matches a suite we offered with a valid key');
}

// ------------------------------------------------------------------ answerer

/**
 * Answers the security half of one offered stream. As RFC 4568 §5.1.2 asks: the first offered
 * a=crypto we accept, the same tag, our own fresh key (or, for an unchanged re-offer, the previous
 * one). `previous` must only be given when the rest of the stream did not change.
 */
export function answerCrypto(input: MediaCryptoInput, cfg: SdesConfig, rng: Rng, previous?: PreviousCrypto): CryptoAnswer {
  const profile = input.profile;
  const upper = profile.toUpperCase();
  const warnings: ReportWarning[] = [];
  const evaluated = evaluateAll(input, cfg);
  const reports = evaluated.reports;
  const acceptable = cfg.policy === 'off' ? [] : evaluated.acceptable;
  const base = { index: input.index, media: input.media, offeredProfile: profile, cryptoOffered: reports };
  const reject = (reasonCode: MediaReasonCode, reason: string): CryptoAnswer => ({
    kind: 'reject',
    profile,
    report: { ...base, outcome: 'rejected', reasonCode, reason },
    warnings,
  });
  const plain = (reasonCode: MediaReasonCode, reason: string): CryptoAnswer => {
    if (cfg.policy === 'mandatory') return reject(reasonCode, `${reason}; encryption is mandatory for this account`);
    if (cfg.policy === 'optional')
      warnings.push({ code: 'media-not-encrypted', message: `this stream is NOT encrypted: ${reason}`, mediaIndex: input.index });
    return { kind: 'rtp', profile, report: { ...base, answeredProfile: profile, outcome: 'rtp', reasonCode, reason }, warnings };
  };

  if (DTLS_PROFILES.test(profile)) return reject('dtls-srtp-not-supported', `${profile} (DTLS-SRTP) is not supported; only SDES`);
  const savp = SAVP_PROFILES.has(upper);
  if (!savp && !AVP_PROFILES.has(upper)) return reject('unsupported-media', `transport profile ${profile} not supported`);
  if (cfg.policy === 'off') {
    if (savp) return reject('policy-off', 'the offer requires SRTP but media encryption is off for this account');
    return { kind: 'rtp', profile, report: { ...base, answeredProfile: profile, outcome: 'rtp', reasonCode: 'policy-off', reason: 'media encryption is off for this account' }, warnings };
  }
  if (input.cryptoValues.length === 0) {
    if (savp) return reject('savp-without-crypto', 'RTP/SAVP offered without a=crypto (no key exchange we support)');
    return plain('peer-offered-no-crypto', 'the peer offered plain RTP without keys');
  }
  if (!isSecureTransport(cfg.transport) && cfg.allowInsecureTransport !== true) {
    const reason = `refusing to put SRTP keys into SDP sent over ${cfg.transport.toUpperCase()} (not TLS)`;
    if (savp) return reject('insecure-signalling', reason);
    return plain('insecure-signalling', reason);
  }
  const line = acceptable[0];
  if (line === undefined) {
    if (savp) return reject('no-acceptable-crypto', 'none of the offered a=crypto lines is acceptable');
    return plain('no-acceptable-crypto', 'none of the offered a=crypto lines is acceptable');
  }
  if (!isSecureTransport(cfg.transport)) warnings.push(insecureWarning(cfg, input.index));
  warnings.push(...line.warnings);

  const a = line.attribute;
  const mki = line.mkiLength === undefined ? undefined : { value: '1', length: line.mkiLength };
  let send: SrtpKeyParams;
  let keyParam: KeyParam;
  let attribute: CryptoAttribute;
  const sameRemote = previous !== undefined && previous.keys.suite === line.suite.name && previous.attribute.tag === a.tag && sameKeys(previous.keys.receive, line.receive);
  if (sameRemote) {
    send = previous.keys.send;
    attribute = previous.attribute;
  } else {
    ({ params: send, keyParam } = generateKey(line.suite.name, rng, mki));
    const kdrParam: SessionParam[] = line.kdr === undefined ? [] : [{ kind: 'KDR', value: line.kdr }];
    attribute = { tag: a.tag, suite: a.suite, keyParams: [keyParam], sessionParams: kdrParam };
  }
  if (line.kdr !== undefined) send = { ...send, kdr: line.kdr };
  const keys: SrtpKeyBundle = { suite: line.suite.name, tag: a.tag, send, receive: line.receive, replayWindowSize: line.windowSize };
  const chosenIndex = reports.findIndex((r) => r.verdict === 'acceptable');
  const cryptoOffered = reports.map((r, i) => (i === chosenIndex ? { ...r, verdict: 'chosen' as const } : r));
  return {
    kind: 'srtp',
    profile,
    attribute,
    keys,
    report: {
      ...base,
      cryptoOffered,
      answeredProfile: profile,
      outcome: 'srtp',
      reasonCode: 'srtp-negotiated',
      reason: `SRTP with ${line.suite.name}${a.suite !== line.suite.name ? ` (offered as ${a.suite})` : ''}`,
      chosen: { tag: a.tag, suite: line.suite.name, spelling: a.suite },
      ...(previous === undefined ? {} : { rekeyed: { send: !sameRemote, receive: !sameRemote } }),
    },
    warnings,
  };
}

function sameKeys(a: readonly SrtpKeyParams[], b: readonly SrtpKeyParams[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((k, i) => {
    const o = b[i]!;
    return k.suite === o.suite && timingSafeEqualBytes(k.masterKey, o.masterKey) && timingSafeEqualBytes(k.masterSalt, o.masterSalt);
  });
}
