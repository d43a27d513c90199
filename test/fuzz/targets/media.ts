/**
 * Media parsers: SDP (RFC 8866), SDES a=crypto (RFC 4568), RTP (RFC 3550 §5), RTCP compounds
 * (RFC 3550 §6), telephone-event (RFC 4733), comfort noise (RFC 3389), and the decoders of
 * G.711, G.722 and Opus (TOC and packet length, RFC 6716 §3.1; the native decoder when present).
 * Properties as the per-parser fuzz tests check them, plus round trips where a serializer exists.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSdp, type SdpParseErrorCode } from '../../../src-main/protocol/sdp/sdp-parser.js';
import { serializeSdp } from '../../../src-main/protocol/sdp/sdp-serializer.js';
import { parseCryptoAttribute, serializeCryptoAttribute, type CryptoParseErrorCode } from '../../../src-main/protocol/sdes/crypto-attribute.js';
import { parseRtpPacket, serializeRtpPacket } from '../../../src-main/protocol/rtp/rtp-packet.js';
import { parseRtcpCompound, serializeRtcpCompound } from '../../../src-main/protocol/rtp/rtcp-packet.js';
import { parseTelephoneEvents, serializeTelephoneEvents } from '../../../src-main/protocol/rtp/telephone-event.js';
import { parseComfortNoise, serializeComfortNoise } from '../../../src-main/protocol/rtp/comfort-noise.js';
import { pcmaCodecFactory, pcmuCodecFactory } from '../../../src-main/protocol/codec/g711-codec.js';
import { g711MeanAmplitude } from '../../../src-main/protocol/codec/g711.js';
import { G722Decoder } from '../../../src-main/protocol/codec/g722.js';
import { g722CodecFactory } from '../../../src-main/protocol/codec/g722-codec.js';
import { opusPacketSamples, parseOpusToc } from '../../../src-main/protocol/codec/opus-packet.js';
import { createOpusCodecFactory } from '../../../src-main/media/codecs/opus-codec.js';
import type { Codec } from '../../../src-main/protocol/codec/codec.js';
import { corpusSeeds, readFiles, readLines, repoRoot } from '../corpus-files.js';
import type { Rand } from '../rand.js';
import { assert, assertEqual, fail, latin1, type FuzzTarget } from '../target.js';

const SDP_CODES: ReadonlySet<SdpParseErrorCode> = new Set<SdpParseErrorCode>(['empty', 'too-large', 'missing-version', 'bad-version', 'missing-origin', 'bad-origin', 'bad-line', 'bad-connection', 'bad-bandwidth', 'bad-time', 'bad-media-line', 'duplicate-line']);
const CRYPTO_CODES: ReadonlySet<CryptoParseErrorCode> = new Set<CryptoParseErrorCode>(['syntax', 'bad-tag', 'bad-suite', 'bad-key-method', 'bad-key-encoding', 'bad-lifetime', 'bad-mki', 'bad-session-param', 'too-long']);

/** RTP/RTCP datagrams of the baresip captures in test/fixtures/rtp, by kind. */
export function capturedPackets(kind: 'rtp' | 'rtcp', file?: string): Uint8Array[] {
  const files = file === undefined ? ['baresip-g722', 'baresip-opus-dtmf', 'baresip-pcmu-dtmf'] : [file];
  return files.flatMap((f) => {
    const j = JSON.parse(readFileSync(join(repoRoot, 'test/fixtures/rtp', `${f}.json`), 'utf8')) as { packets: Array<{ kind: string; hex: string }> };
    return j.packets.filter((p) => p.kind === kind).map((p) => new Uint8Array(Buffer.from(p.hex, 'hex')));
  });
}

/** Payloads of captured RTP packets of one file and payload type. */
function capturedPayloads(file: string, payloadType: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of capturedPackets('rtp', file)) {
    const r = parseRtpPacket(p);
    if (r.ok && r.value.payloadType === payloadType) out.push(Uint8Array.from(r.value.payload));
  }
  return out.slice(0, 40);
}

// ---------------------------------------------------------------- SDP

function checkSdp(input: Uint8Array, r: Rand): void {
  const first = parseSdp(r.oneIn(2) ? input : latin1(input));
  if (!first.ok) {
    assert(SDP_CODES.has(first.error.code) && typeof first.error.message === 'string', () => `untyped SDP error ${JSON.stringify(first.error)}`);
    return;
  }
  const text = serializeSdp(first.value);
  const again = parseSdp(text);
  if (!again.ok) fail(`serialized SDP does not parse back: ${again.error.code} ${again.error.message}`);
  assertEqual(again.value, first.value, 'SDP round trip');
}

export const sdpTarget: FuzzTarget = {
  name: 'sdp',
  description: 'SDP parser (RFC 8866): value or typed sdp-* error; serialize → parse round trip',
  seeds: () => [...readFiles('test/corpus/sdp', ['.sdp']), ...readFiles('src-main/protocol/sdes/fixtures', ['.sdp'])],
  mutator: { dictionary: ['\r\n', '\n', 'a=', 'm=audio ', 'c=IN IP4 ', 'c=IN IP6 ::1', 'RTP/SAVP', 'a=rtpmap:', 'a=fmtp:', 'a=crypto:', 'b=AS:', 't=0 0', 'r=', 'z=', 'k=', '/', ' ', ':', '65536', '-1', 'a=rtcp:', 'a=sendonly', '\u00e9'], text: true, maxLength: 16384 },
  check: checkSdp,
};

// ---------------------------------------------------------------- SDES a=crypto

function checkCrypto(input: Uint8Array): void {
  const value = latin1(input);
  const r = parseCryptoAttribute(value);
  if (!r.ok) {
    assert(CRYPTO_CODES.has(r.error.code), () => `untyped a=crypto error ${r.error.code}`);
    return;
  }
  const again = parseCryptoAttribute(serializeCryptoAttribute(r.value));
  if (!again.ok) fail(`serialized a=crypto does not parse back: ${again.error.code}`);
  assertEqual(again.value, r.value, 'a=crypto round trip');
}

export const sdesCryptoTarget: FuzzTarget = {
  name: 'sdes-crypto',
  description: 'SDES a=crypto attribute (RFC 4568 §9.1): value or typed error; serialize → parse round trip',
  seeds: () => [
    ...readLines('test/corpus/sdes-crypto', ['.txt']),
    ...readFiles('src-main/protocol/sdes/fixtures', ['.sdp']).flatMap((b) =>
      latin1(b)
        .split(/\r?\n/)
        .filter((l) => l.startsWith('a=crypto:'))
        .map((l) => new Uint8Array(Buffer.from(l.slice('a=crypto:'.length), 'latin1'))),
    ),
  ],
  mutator: { dictionary: [' ', '|', '2^', ':', ';', '=', 'inline:', 'AES_CM_128_HMAC_SHA1_80', 'AEAD_AES_256_GCM', 'KDR=', 'WSH=', 'FEC_ORDER=FEC_SRTP', 'FEC_KEY=', 'UNENCRYPTED_SRTP', '-X', '==', '2^64', '1:4', '256:1'], text: true, maxLength: 2048 },
  check: checkCrypto,
};

// ---------------------------------------------------------------- RTP, RTCP, telephone-event, CN

export function checkRtp(input: Uint8Array): void {
  const r = parseRtpPacket(input);
  if (!r.ok) {
    assert(r.error.code.startsWith('rtp-'), () => `untyped RTP error ${r.error.code}`);
    return;
  }
  const bytes = serializeRtpPacket(r.value);
  const again = parseRtpPacket(bytes);
  if (!again.ok) fail(`serialized RTP does not parse back: ${again.error.code}`);
  assertEqual(serializeRtpPacket(again.value), bytes, 'RTP round trip');
}

export const rtpTarget: FuzzTarget = {
  name: 'rtp',
  description: 'RTP packet parser (RFC 3550 §5.1, RFC 8285 extensions): typed rtp-* errors; reserialize round trip',
  seeds: () => [...corpusSeeds('rtp'), ...capturedPackets('rtp').slice(0, 60)],
  mutator: { maxLength: 1500 },
  check: checkRtp,
};

export function checkRtcp(input: Uint8Array): void {
  const r = parseRtcpCompound(input);
  if (!r.ok) {
    assert(r.error.code.startsWith('rtcp-'), () => `untyped RTCP error ${r.error.code}`);
    return;
  }
  const again = parseRtcpCompound(serializeRtcpCompound(r.value));
  if (!again.ok) fail(`serialized RTCP does not parse back: ${again.error.code}`);
  assertEqual(again.value, r.value, 'RTCP round trip');
}

export const rtcpTarget: FuzzTarget = {
  name: 'rtcp',
  description: 'RTCP compound parser (RFC 3550 §6, RFC 5506): typed rtcp-* errors; reserialize round trip',
  seeds: () => [...corpusSeeds('rtcp'), ...capturedPackets('rtcp')],
  mutator: { maxLength: 1500 },
  check: checkRtcp,
};

export function checkTelephoneEvent(input: Uint8Array): void {
  const r = parseTelephoneEvents(input);
  if (!r.ok) {
    assert(r.error.code === 'dtmf-empty' || r.error.code === 'dtmf-bad-length', () => `untyped telephone-event error ${r.error.code}`);
    return;
  }
  // Only the reserved bit may differ after reserializing.
  assertEqual(serializeTelephoneEvents(r.value), input.map((x, i) => (i % 4 === 1 ? x & 0xbf : x)), 'telephone-event round trip');
}

export const telephoneEventTarget: FuzzTarget = {
  name: 'telephone-event',
  description: 'RFC 4733 telephone-event payloads: typed errors; blocks reserialize byte-exactly',
  seeds: () => corpusSeeds('telephone-event'),
  mutator: { maxLength: 256 },
  check: checkTelephoneEvent,
};

export function checkComfortNoise(input: Uint8Array): void {
  const r = parseComfortNoise(input);
  if (!r.ok) {
    assert(r.error.code === 'cn-empty' && input.length === 0, () => `comfort noise error ${r.error.code} for ${input.length} octets`);
    return;
  }
  assert(r.value.level >= 0 && r.value.level <= 127, () => `CN level ${r.value.level}`);
  assertEqual(serializeComfortNoise(r.value), input.map((x, i) => (i === 0 ? x & 0x7f : x)), 'comfort noise round trip');
}

export const comfortNoiseTarget: FuzzTarget = {
  name: 'comfort-noise',
  description: 'RFC 3389 comfort noise payloads: level 0–127, reserialize round trip',
  seeds: () => corpusSeeds('comfort-noise'),
  mutator: { maxLength: 256 },
  check: checkComfortNoise,
};

// ---------------------------------------------------------------- codecs

function checkG711(input: Uint8Array, codecs: { mu: Codec; a: Codec }): void {
  for (const [law, codec] of [['mulaw', codecs.mu], ['alaw', codecs.a]] as const) {
    const out = codec.decode(input);
    assert(out.length === input.length, () => `G.711 decoded ${out.length} samples from ${input.length} octets`);
    const mean = g711MeanAmplitude(law, input);
    assert(Number.isFinite(mean) || input.length === 0, () => `G.711 mean amplitude ${mean}`);
  }
}

let g711: { mu: Codec; a: Codec } | undefined;

export const g711Target: FuzzTarget = {
  name: 'g711',
  description: 'G.711 µ-law and A-law decoders (ITU-T G.711, RFC 3551 §4.5.14): one sample per octet, never throws',
  seeds: () => [...corpusSeeds('g711'), ...capturedPayloads('baresip-pcmu-dtmf', 0)],
  mutator: { maxLength: 1500 },
  check: (input) => {
    g711 ??= { mu: pcmuCodecFactory.create(), a: pcmaCodecFactory.create() };
    checkG711(input, g711);
  },
};

let g722: { decoder: G722Decoder; codec: Codec; out: Int16Array } | undefined;

export const g722Target: FuzzTarget = {
  name: 'g722',
  description: 'G.722 decoder (ITU-T G.722, RFC 3551 §4.5.2): two samples per octet, state survives any input',
  seeds: () => [...corpusSeeds('g722'), ...capturedPayloads('baresip-g722', 9)],
  mutator: { maxLength: 1500 },
  check: (input) => {
    // One decoder for the whole run: its adaptive state must survive any sequence of inputs.
    g722 ??= { decoder: new G722Decoder(), codec: g722CodecFactory.create(), out: new Int16Array(3000) };
    const n = g722.decoder.decode(input, g722.out);
    assert(n === input.length * 2, () => `G.722 decoded ${n} samples from ${input.length} octets`);
    const pcm = g722.codec.decode(input);
    assert(pcm.length === input.length * 2, () => `G.722 codec decoded ${pcm.length} samples`);
  },
};

let opus: Codec | undefined | null;

export const opusTarget: FuzzTarget = {
  name: 'opus',
  description: 'Opus packets (RFC 6716 §3.1 TOC and frame count; RFC 7587): duration 2.5–120 ms or undefined; the native decoder conceals instead of throwing',
  setup: async () => {
    if (opus !== undefined) return;
    const f = createOpusCodecFactory();
    opus = f.ok ? f.value.create() : null;
  },
  seeds: () => [...corpusSeeds('opus'), ...capturedPayloads('baresip-opus-dtmf', 96)],
  mutator: { maxLength: 1500 },
  check: (input) => {
    const n = opusPacketSamples(input);
    if (n !== undefined) assert(n >= 120 && n <= 5760, () => `Opus packet of ${n} samples`);
    if (input.length > 0) {
      const toc = parseOpusToc(input[0]!);
      assert(toc.frameSamples48k >= 120 && toc.frameSamples48k <= 2880, () => `Opus TOC frame of ${toc.frameSamples48k} samples`);
    }
    if (opus) {
      const pcm = opus.decode(input);
      assert(pcm.length > 0 && pcm.length <= 5760 * 2, () => `Opus decoded ${pcm.length} samples`);
    }
  },
};
