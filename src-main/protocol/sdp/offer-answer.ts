/**
 * The offer/answer model (RFC 3264) for an audio softphone, with SDES-SRTP (RFC 4568) per stream:
 *
 *   createOffer(config, ctx)            -> our offer (new session, or a re-offer: hold, resume,
 *                                          codec change; new keys when the media changes)
 *   applyAnswer(pending, answer)        -> the negotiated session, or why it failed
 *   createAnswer(offer, config, ctx)    -> our answer, or a 488 refusal with the reason
 *
 * Each result carries a NegotiationReport (sdes/negotiation-report.ts) that explains the media
 * security outcome without key material. The negotiated session itself holds the SRTP keys the
 * media layer needs and must stay in the main process (DESIGN.md rule 3).
 */
import { codedError, err, ok, type CodedError, type Result } from '../../base/result.js';
import type { Logger } from '../../base/logger.js';
import type { Rng } from '../../base/rng.js';
import { serializeCryptoAttribute } from '../sdes/crypto-attribute.js';
import {
  buildReport,
  logReport,
  type MediaReasonCode,
  type MediaSecurityReport,
  type NegotiationReport,
  type ReportWarning,
} from '../sdes/negotiation-report.js';
import type { SdesConfig } from '../sdes/sdes-config.js';
import {
  acceptAnswerCrypto,
  answerCrypto,
  offerCrypto,
  offeredLinesReport,
  type CryptoOffer,
  type PreviousCrypto,
  type SrtpKeyBundle,
} from '../sdes/sdes-negotiator.js';
import {
  acceptedCodecs,
  answerCodecs,
  answerDirection,
  offeredCodecs,
  offererDirection,
  sendCodec,
  telephoneEvent,
  type CodecSpec,
} from './codec-negotiation.js';
import {
  addrTypeOf,
  attributeValues,
  connectionAddress,
  hasRtcpMux,
  isNullAddress,
  mediaConnection,
  mediaDirection,
  ptime,
  rtcpAttribute,
} from './media-attributes.js';
import { parseSdp, type SdpParseError } from './sdp-parser.js';
import { serializeSdp } from './sdp-serializer.js';
import type { Attribute, Direction, MediaDescription, SessionDescription } from './session-description.js';

export type { CodecSpec } from './codec-negotiation.js';

/** What we want for our audio stream. */
export interface LocalMediaConfig {
  /** Our RTP address, IPv4 or IPv6. */
  readonly address: string;
  readonly port: number;
  /** In preference order. Include telephone-event to offer RFC 4733 DTMF. */
  readonly codecs: readonly CodecSpec[];
  readonly ptime?: number;
  readonly maxptime?: number;
  /** sendrecv by default; sendonly (or inactive) to hold. */
  readonly direction?: Direction;
  /** Offer/accept RTP and RTCP on one port (RFC 5761). Default true. */
  readonly rtcpMux?: boolean;
  readonly srtp: SdesConfig;
  /** o= username, default "-". */
  readonly username?: string;
  /** s=, default "-". */
  readonly sessionName?: string;
}

export interface OfferAnswerContext {
  readonly rng: Rng;
  /** The session as last negotiated: for re-offers and answers to re-offers. */
  readonly previous?: NegotiatedSession;
  /** Receives the report's summary (info) and every warning (warn), e.g. keys over a non-TLS hop. */
  readonly logger?: Logger;
}

/** The agreed parameters of one m= line. Contains SRTP keys: main process only. */
export interface NegotiatedMedia {
  readonly index: number;
  readonly type: string;
  readonly accepted: boolean;
  /** Where to send RTP. */
  readonly remoteAddress?: string;
  readonly remotePort: number;
  /** Where to send RTCP (the RTP port when muxed). */
  readonly remoteRtcpPort?: number;
  readonly remoteRtcpAddress?: string;
  readonly rtcpMux: boolean;
  /** What we do: sendrecv, sendonly (we hold), recvonly (held by the peer), inactive. */
  readonly direction: Direction;
  /** Agreed codecs, peer's payload type numbers. */
  readonly codecs: readonly CodecSpec[];
  readonly sendCodec?: CodecSpec;
  readonly telephoneEvent?: CodecSpec;
  readonly remotePtime?: number;
  readonly localPtime?: number;
  /** SRTP keys when the stream is encrypted; absent for plain RTP. */
  readonly srtp?: SrtpKeyBundle;
  /** After a re-negotiation: which directions got new keys (re-key SrtpSession accordingly). */
  readonly rekeyed?: { readonly send: boolean; readonly receive: boolean };
}

export interface NegotiatedSession {
  readonly role: 'offerer' | 'answerer';
  readonly local: SessionDescription;
  readonly remote: SessionDescription;
  readonly media: readonly NegotiatedMedia[];
  readonly report: NegotiationReport;
  /** Our config at the time, and our a=crypto per stream: what a re-offer compares against. */
  readonly localConfig: LocalMediaConfig;
  readonly localCrypto: readonly (PreviousCrypto | undefined)[];
}

export interface PendingOffer {
  readonly sdp: SessionDescription;
  readonly text: string;
  readonly config: LocalMediaConfig;
  readonly crypto: CryptoOffer;
  /** Outcome 'pending': what we offered. */
  readonly report: NegotiationReport;
  readonly previous?: NegotiatedSession;
  readonly logger?: Logger;
}

export type OfferErrorCode = 'insecure-signalling' | 'no-codecs' | 'bad-config';
export interface OfferError extends CodedError<OfferErrorCode> {
  readonly report?: NegotiationReport;
}

export type AnswerErrorCode = 'unparseable-offer' | 'not-acceptable';
export interface AnswerRefusal extends CodedError<AnswerErrorCode> {
  /** 488 Not Acceptable Here (RFC 3261 §21.4.26); 400 for an unparseable body. */
  readonly sipStatus: 488 | 400;
  readonly report?: NegotiationReport;
  readonly parseError?: SdpParseError;
}

export interface AnswerResult {
  readonly sdp: SessionDescription;
  readonly text: string;
  readonly session: NegotiatedSession;
  readonly report: NegotiationReport;
}

export type ApplyAnswerErrorCode = 'unparseable-answer' | 'media-count-mismatch' | 'no-media';
export interface ApplyAnswerError extends CodedError<ApplyAnswerErrorCode> {
  readonly report?: NegotiationReport;
  readonly parseError?: SdpParseError;
}

// ------------------------------------------------------------------ shared helpers

function newOrigin(config: LocalMediaConfig, rng: Rng, previous: NegotiatedSession | undefined, body: MediaDescription[], connectionless: Omit<SessionDescription, 'origin' | 'media'>): SessionDescription {
  const addrType = addrTypeOf(config.address);
  if (previous === undefined) {
    const id = String(BigInt(rng.uint32() & 0x7fffffff) * 65536n + BigInt(rng.uint32() & 0xffff));
    return { ...connectionless, origin: { username: config.username ?? '-', sessionId: id, sessionVersion: id, netType: 'IN', addrType, address: config.address }, media: body };
  }
  const prev = previous.local;
  const candidate: SessionDescription = { ...connectionless, origin: { ...prev.origin, addrType, address: config.address }, media: body };
  const changed = serializeSdp({ ...candidate, origin: prev.origin }) !== serializeSdp(prev);
  // RFC 3264 §8: the version increases with every change, and only then.
  return changed ? { ...candidate, origin: { ...candidate.origin, sessionVersion: String(BigInt(prev.origin.sessionVersion) + 1n) } } : candidate;
}

function sessionShell(config: LocalMediaConfig): Omit<SessionDescription, 'origin' | 'media'> {
  return {
    version: 0,
    sessionName: config.sessionName ?? '-',
    emails: [],
    phones: [],
    connection: { netType: 'IN', addrType: addrTypeOf(config.address), address: config.address },
    bandwidths: [],
    times: [{ start: '0', stop: '0', repeats: [] }],
    attributes: [],
    unknownLines: [],
  };
}

function codecAttributes(codecs: readonly CodecSpec[]): Attribute[] {
  const out: Attribute[] = [];
  for (const c of codecs) {
    out.push({ name: 'rtpmap', value: `${c.payloadType} ${c.encodingName}/${c.clockRate}${c.channels === undefined || c.channels === 1 ? '' : `/${c.channels}`}` });
    if (c.fmtp !== undefined) out.push({ name: 'fmtp', value: `${c.payloadType} ${c.fmtp}` });
  }
  return out;
}

function audioMedia(
  config: LocalMediaConfig,
  profile: string,
  codecs: readonly CodecSpec[],
  dir: Direction,
  rtcpMux: boolean,
  crypto: readonly Attribute[],
): MediaDescription {
  const attributes: Attribute[] = [...codecAttributes(codecs)];
  if (config.ptime !== undefined) attributes.push({ name: 'ptime', value: String(config.ptime) });
  if (config.maxptime !== undefined) attributes.push({ name: 'maxptime', value: String(config.maxptime) });
  if (rtcpMux) attributes.push({ name: 'rtcp-mux' });
  attributes.push(...crypto);
  attributes.push({ name: dir });
  return {
    type: 'audio',
    port: config.port,
    protocol: profile,
    formats: codecs.map((c) => String(c.payloadType)),
    connections: [],
    bandwidths: [],
    attributes,
    unknownLines: [],
  };
}

function rejectedMedia(offered: MediaDescription): MediaDescription {
  return { type: offered.type, port: 0, protocol: offered.protocol, formats: offered.formats.length > 0 ? [...offered.formats] : ['0'], connections: [], bandwidths: [], attributes: [], unknownLines: [] };
}

function cryptoValues(m: MediaDescription): string[] {
  return attributeValues(m.attributes, 'crypto');
}

function validateConfig(config: LocalMediaConfig): string | undefined {
  if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) return 'port must be 1..65535';
  if (config.address.trim() === '' || /\s/.test(config.address)) return 'address must be an IP address';
  for (const c of config.codecs) {
    if (!Number.isInteger(c.payloadType) || c.payloadType < 0 || c.payloadType > 127) return `payload type ${c.payloadType} out of range`;
    if (!/^[A-Za-z0-9_.-]+$/.test(c.encodingName) || !(c.clockRate > 0)) return `codec ${c.encodingName} malformed`;
  }
  return undefined;
}

function sameCodecs(a: readonly CodecSpec[], b: readonly CodecSpec[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Did our side of the stream change since `prev` (anything that warrants new keys)? A change of
 * direction alone (hold, resume) does not: the SRTP contexts do not depend on it, RFC 4568 §7.1.4
 * lets a re-offer repeat the crypto attribute, and peers that do not apply new keys from a
 * re-INVITE (baresip 1.0, found by the contract end-to-end suite) lose our audio and DTMF after a
 * hold/resume otherwise. Re-keying is explicit (`rekey`, lifetimes).
 */
function localMediaChanged(config: LocalMediaConfig, prev: LocalMediaConfig): boolean {
  return (
    config.address !== prev.address ||
    config.port !== prev.port ||
    config.ptime !== prev.ptime ||
    (config.rtcpMux ?? true) !== (prev.rtcpMux ?? true) ||
    !sameCodecs(config.codecs, prev.codecs) ||
    config.srtp.policy !== prev.srtp.policy ||
    JSON.stringify(config.srtp.suites) !== JSON.stringify(prev.srtp.suites)
  );
}

function remoteMediaChanged(now: MediaDescription, nowSd: SessionDescription, before: MediaDescription | undefined, beforeSd: SessionDescription): boolean {
  if (before === undefined) return true;
  const conn = (sd: SessionDescription, m: MediaDescription): string => {
    const c = mediaConnection(sd, m);
    return c === undefined ? '' : connectionAddress(c);
  };
  return (
    now.port !== before.port ||
    now.protocol !== before.protocol ||
    now.formats.join(' ') !== before.formats.join(' ') ||
    conn(nowSd, now) !== conn(beforeSd, before)
  );
}

function remoteTransport(sd: SessionDescription, m: MediaDescription, mux: boolean): Pick<NegotiatedMedia, 'remoteAddress' | 'remotePort' | 'remoteRtcpPort' | 'remoteRtcpAddress'> {
  const c = mediaConnection(sd, m);
  const address = c === undefined ? undefined : connectionAddress(c);
  const rtcp = rtcpAttribute(m);
  const rtcpPort = mux ? m.port : (rtcp?.port ?? m.port + 1);
  return {
    ...(address === undefined ? {} : { remoteAddress: address }),
    remotePort: m.port,
    remoteRtcpPort: rtcpPort,
    ...(rtcp?.address !== undefined && !mux ? { remoteRtcpAddress: rtcp.address } : address === undefined ? {} : { remoteRtcpAddress: address }),
  };
}

// ------------------------------------------------------------------ offerer

/** Our offer: one audio stream (RFC 3264 §5). A re-offer when `ctx.previous` is given (§8). */
export function createOffer(config: LocalMediaConfig, ctx: OfferAnswerContext): Result<PendingOffer, OfferError> {
  const bad = validateConfig(config);
  if (bad !== undefined) return err(codedError('bad-config', bad));
  if (config.codecs.length === 0) return err(codedError('no-codecs', 'no codecs configured'));
  const prev = ctx.previous;
  const prevAudio = prev?.media.findIndex((m) => m.type === 'audio' && m.accepted) ?? -1;
  const reuse = prev !== undefined && prevAudio >= 0 && !localMediaChanged(config, prev.localConfig) ? prev.localCrypto[prevAudio] : undefined;
  const crypto = offerCrypto(config.srtp, ctx.rng, reuse);
  if (!crypto.ok) {
    const media: MediaSecurityReport = { index: 0, media: 'audio', offeredProfile: 'RTP/SAVP', outcome: 'rejected', reasonCode: crypto.code, reason: crypto.reason, cryptoOffered: [] };
    const report = logReport(ctx.logger, buildReport('offerer', config.srtp, [media], []));
    return err({ ...codedError('insecure-signalling', crypto.reason), report });
  }
  const offer = crypto.offer;
  const cryptoAttrs: Attribute[] = offer.offered.map((o) => ({ name: 'crypto', value: serializeCryptoAttribute(o.attribute) }));
  const m = audioMedia(config, offer.profile, config.codecs, config.direction ?? 'sendrecv', config.rtcpMux ?? true, cryptoAttrs);
  const sdp = newOrigin(config, ctx.rng, prev, [m], sessionShell(config));
  const mediaReport: MediaSecurityReport = {
    index: 0,
    media: 'audio',
    offeredProfile: offer.profile,
    outcome: offer.offered.length > 0 ? 'srtp' : 'rtp',
    reasonCode: offer.plainReason?.code ?? 'srtp-negotiated',
    reason: offer.plainReason?.text ?? `offering ${offer.offered.map((o) => o.suite).join(', ')}`,
    cryptoOffered: offeredLinesReport(offer),
  };
  const warnings = [...offer.warnings];
  if (offer.offered.length === 0 && config.srtp.policy !== 'off')
    warnings.push({ code: 'media-not-encrypted', message: `this call will NOT be encrypted: ${offer.plainReason?.text ?? ''}`, mediaIndex: 0 });
  return ok({
    sdp,
    text: serializeSdp(sdp),
    config,
    crypto: offer,
    report: logReport(ctx.logger, buildReport('offerer', config.srtp, [mediaReport], warnings, true)),
    ...(prev === undefined ? {} : { previous: prev }),
    ...(ctx.logger === undefined ? {} : { logger: ctx.logger }),
  });
}

/** Applies the peer's answer to our pending offer (RFC 3264 §7). */
export function applyAnswer(pending: PendingOffer, answer: string | Uint8Array | SessionDescription): Result<NegotiatedSession, ApplyAnswerError> {
  const parsed = typeof answer === 'string' || answer instanceof Uint8Array ? parseSdp(answer) : ok(answer);
  if (!parsed.ok) return err({ ...codedError('unparseable-answer', `the answer SDP is malformed: ${parsed.error.message}`), parseError: parsed.error });
  const remote = parsed.value;
  const offered = pending.sdp.media;
  if (remote.media.length !== offered.length)
    return err(codedError('media-count-mismatch', `the answer has ${remote.media.length} m= lines for our ${offered.length} (RFC 3264 §6)`));
  const config = pending.config;
  const media: NegotiatedMedia[] = [];
  const reports: MediaSecurityReport[] = [];
  const warnings: ReportWarning[] = [];
  const localCrypto: (PreviousCrypto | undefined)[] = [];
  offered.forEach((ours, index) => {
    const theirs = remote.media[index]!;
    const offeredDir = config.direction ?? 'sendrecv';
    const codecs = acceptedCodecs(offeredCodecs(theirs), config.codecs);
    if (theirs.port === 0 || ours.port === 0) {
      media.push({ index, type: ours.type, accepted: false, remotePort: 0, rtcpMux: false, direction: 'inactive', codecs: [] });
      reports.push({ index, media: ours.type, offeredProfile: ours.protocol, answeredProfile: theirs.protocol, outcome: 'rejected', reasonCode: 'stream-rejected', reason: 'the peer rejected the stream (port 0)', cryptoOffered: offeredLinesReport(pending.crypto) });
      localCrypto.push(undefined);
      return;
    }
    const prevIndexCrypto = pending.previous?.localCrypto[index];
    const prevKeys = pending.previous?.media[index]?.srtp;
    const outcome = acceptAnswerCrypto(
      pending.crypto,
      { index, media: theirs.type, profile: theirs.protocol, cryptoValues: cryptoValues(theirs) },
      config.srtp,
      prevIndexCrypto !== undefined && prevKeys !== undefined ? { attribute: prevIndexCrypto.attribute, keys: prevKeys } : undefined,
    );
    warnings.push(...outcome.warnings);
    let report = outcome.report;
    const send = sendCodec(codecs);
    if (outcome.kind !== 'fail' && send === undefined)
      report = { ...report, outcome: 'rejected', reasonCode: 'no-common-codec', reason: 'the answer lists no codec we offered' };
    reports.push(report);
    if (report.outcome === 'rejected') {
      media.push({ index, type: ours.type, accepted: false, remotePort: theirs.port, rtcpMux: false, direction: 'inactive', codecs });
      localCrypto.push(undefined);
      return;
    }
    const mux = (config.rtcpMux ?? true) && hasRtcpMux(theirs);
    const answeredDir = isNullAddress(mediaConnection(remote, theirs)) ? 'recvonly' : mediaDirection(remote, theirs);
    const te = telephoneEvent(codecs, send?.clockRate);
    const remotePtime = ptime(theirs);
    const chosen = outcome.keys;
    const offeredChosen = chosen === undefined ? undefined : pending.crypto.offered.find((o) => o.tag === chosen.tag);
    localCrypto.push(chosen !== undefined && offeredChosen !== undefined ? { attribute: offeredChosen.attribute, keys: chosen } : undefined);
    media.push({
      index,
      type: ours.type,
      accepted: true,
      ...remoteTransport(remote, theirs, mux),
      rtcpMux: mux,
      direction: offererDirection(offeredDir, answeredDir),
      codecs,
      ...(send === undefined ? {} : { sendCodec: send }),
      ...(te === undefined ? {} : { telephoneEvent: te }),
      ...(remotePtime === undefined ? {} : { remotePtime }),
      ...(config.ptime === undefined ? {} : { localPtime: config.ptime }),
      ...(chosen === undefined ? {} : { srtp: chosen }),
      ...(report.rekeyed === undefined ? {} : { rekeyed: report.rekeyed }),
    });
  });
  const report = logReport(pending.logger, buildReport('offerer', config.srtp, reports, warnings));
  if (report.outcome === 'refused') return err({ ...codedError('no-media', report.summary), report });
  return ok({ role: 'offerer', local: pending.sdp, remote, media, report, localConfig: config, localCrypto });
}

// ------------------------------------------------------------------ answerer

/**
 * Our answer to an offer (RFC 3264 §6): the first audio stream we can take is accepted, every other
 * stream is rejected with port 0. Refuses with 488 (and the reason) when no stream is acceptable.
 */
export function createAnswer(offer: string | Uint8Array | SessionDescription, config: LocalMediaConfig, ctx: OfferAnswerContext): Result<AnswerResult, AnswerRefusal> {
  const parsed = typeof offer === 'string' || offer instanceof Uint8Array ? parseSdp(offer) : ok(offer);
  if (!parsed.ok) return err({ ...codedError('unparseable-offer', `the offer SDP is malformed: ${parsed.error.message}`), sipStatus: 400, parseError: parsed.error });
  const bad = validateConfig(config);
  if (bad !== undefined) throw new RangeError(`invalid local media config: ${bad}`);
  const remote = parsed.value;
  const prev = ctx.previous;
  const body: MediaDescription[] = [];
  const media: NegotiatedMedia[] = [];
  const reports: MediaSecurityReport[] = [];
  const warnings: ReportWarning[] = [];
  const localCrypto: (PreviousCrypto | undefined)[] = [];
  let audioTaken = false;
  const ours = config.direction ?? 'sendrecv';

  remote.media.forEach((m, index) => {
    const reject = (reasonCode: MediaReasonCode, reason: string, cryptoReport?: MediaSecurityReport): void => {
      body.push(rejectedMedia(m));
      media.push({ index, type: m.type, accepted: false, remotePort: m.port, rtcpMux: false, direction: 'inactive', codecs: [] });
      reports.push(cryptoReport ?? { index, media: m.type, offeredProfile: m.protocol, outcome: 'rejected', reasonCode, reason, cryptoOffered: [] });
      localCrypto.push(undefined);
    };
    if (m.port === 0) return reject('not-offered', 'the offerer disabled this stream (port 0)');
    if (m.type.toLowerCase() !== 'audio') return reject('unsupported-media', `${m.type} streams are not supported`);
    if (audioTaken) return reject('unsupported-media', 'only one audio stream is supported');
    const codecs = answerCodecs(offeredCodecs(m), config.codecs);
    if (sendCodec(codecs) === undefined) return reject('no-common-codec', 'no codec in common with the offer');

    const unchanged = prev !== undefined && !localMediaChanged(config, prev.localConfig) && !remoteMediaChanged(m, remote, prev.remote.media[index], prev.remote);
    const prevCrypto = unchanged ? prev.localCrypto[index] : undefined;
    const answer = answerCrypto({ index, media: m.type, profile: m.protocol, cryptoValues: cryptoValues(m) }, config.srtp, ctx.rng, prevCrypto);
    warnings.push(...answer.warnings);
    if (answer.kind === 'reject') return reject(answer.report.reasonCode, answer.report.reason, answer.report);

    audioTaken = true;
    const offeredDir = isNullAddress(mediaConnection(remote, m)) ? 'sendonly' : mediaDirection(remote, m);
    const dir = answerDirection(offeredDir, ours);
    const mux = (config.rtcpMux ?? true) && hasRtcpMux(m);
    const crypto: Attribute[] = answer.attribute === undefined ? [] : [{ name: 'crypto', value: serializeCryptoAttribute(answer.attribute) }];
    body.push(audioMedia(config, answer.profile, codecs, dir, mux, crypto));
    reports.push(answer.report);
    localCrypto.push(answer.attribute !== undefined && answer.keys !== undefined ? { attribute: answer.attribute, keys: answer.keys } : undefined);
    const send = sendCodec(codecs);
    const te = telephoneEvent(codecs, send?.clockRate);
    const remotePtime = ptime(m);
    const rekeyed = prev === undefined ? undefined : answer.report.rekeyed ?? (answer.keys === undefined ? undefined : { send: true, receive: true });
    media.push({
      index,
      type: m.type,
      accepted: true,
      ...remoteTransport(remote, m, mux),
      rtcpMux: mux,
      direction: dir,
      codecs,
      ...(send === undefined ? {} : { sendCodec: send }),
      ...(te === undefined ? {} : { telephoneEvent: te }),
      ...(remotePtime === undefined ? {} : { remotePtime }),
      ...(config.ptime === undefined ? {} : { localPtime: config.ptime }),
      ...(answer.keys === undefined ? {} : { srtp: answer.keys }),
      ...(rekeyed === undefined ? {} : { rekeyed }),
    });
  });

  const report = logReport(ctx.logger, buildReport('answerer', config.srtp, reports, warnings));
  if (report.outcome === 'refused') return err({ ...codedError('not-acceptable', report.summary), sipStatus: 488, report });
  const sdp = newOrigin(config, ctx.rng, prev, body, sessionShell(config));
  const session: NegotiatedSession = { role: 'answerer', local: sdp, remote, media, report, localConfig: config, localCrypto };
  return ok({ sdp, text: serializeSdp(sdp), session, report });
}
