// Writes the seed corpus of the media path's packet fuzzer (corpus/*.bin) in the harness's input
// format (the comment at the top of packet_fuzzer.c): each seed a configuration and records that
// reach one part of the receive path behind its checks - RTP with CSRCs, header extensions and
// padding, RFC 4733 telephone-events, RTCP compounds (SR/RR/SDES/BYE/APP), re-keying, the latch
// with strangers and retired sources, hold, DTMF sending, junk.
//
//   node native/media-path/fuzz/make-seeds.mjs        (rewrites the corpus; deterministic)
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { corpusDir } from './build.mjs';

const LEG_SSRC = 0x11223344;
const PEER_SSRC = 0x5eed5eed;

// ---- configuration (bytes 0 and 1) ----
const A = { plain: 0, srtp80: 1, srtp32: 2, srtp80Deferred: 3, noMux: 4, dtmf: 8, held: 0x10, rekeying: 0x20, latched: 0x40, retired: 0x80 };
const B = { pcmu: 0, pcma: 1, g722: 2, opus: 3, ms10: 4, ms30: 8, ms60: 0xc, jitter1: 0x10, jitter3: 0x20, jitter8: 0x30, sendOff: 0x40, audio: 0x80 };
const PT = { pcmu: 0, pcma: 8, g722: 9, opus: 111, event: 101 };

// ---- records ----
const SRC = { peer: 0, current: 1, stranger: 2, retired: 3, mapped: 4, ipv6: 5, socketRtp: 6, socketRtcp: 7 };
const MODE = { raw: 0, asIs: 1, rtp: 2, rtcp: 3 };

function length(n) {
  if (n > 4095) throw new Error('a datagram record holds 4095 octets at most');
  return n < 0xf0 ? [n] : [0xf0 | (n >> 8), n & 0xff];
}

/** A datagram record: `mode` (MODE), from `src` (SRC), `twice` (duplicate/replay), under the `previous` key. */
function dg(mode, bytes, { src = SRC.peer, twice = false, previous = false } = {}) {
  const op = (mode | (twice ? 4 : 0)) | ((src | (previous ? 8 : 0)) << 4);
  return [op, ...length(bytes.length), ...bytes];
}
const time = (us) => [8, (us >> 16) & 255, (us >> 8) & 255, us & 255];
const play = [9];
const send = [10];
const tick = [11];
const ticks = (n) => Array(n).fill(11);
const report = (bye = false) => [12 | (bye ? 0x10 : 0)];
const dtmf = (event, ms) => [13, (event & 15) | (Math.max(0, Math.min(15, Math.round((ms - 40) / 80))) << 4)];
/** js_update: target 0 peer, 1 another port, 2 0.0.0.0, 3 retired, 4 [::1], 5 stranger, 6 v4-mapped, 7 flags only. */
const update = (target, { send: s = true, receive = true } = {}) => [14 | (target << 4), (s ? 1 : 0) | (receive ? 2 : 0)];
/** js_rekey: 0 receive key, 1 send key, 2 both, 3 both deferred, 4 null, 5 both _80, 6 both _32, 7 mute toggle. */
const rekey = (kind) => [15 | (kind << 4)];

// ---- packets ----
const u16 = (v) => [(v >> 8) & 255, v & 255];
const u32 = (v) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const ascii = (s) => [...Buffer.from(s, 'latin1')];
const tone = (n, seed = 1) => Array.from({ length: n }, (_, i) => (Math.round(127 + 100 * Math.sin((i * seed) / 3)) & 0xff) | 0);

/**
 * An RTP packet. seq: a number, or { auto: delta } (the harness's next sequence number plus
 * delta); ts 0 and ssrc 0: filled in by the RTP-shaped mode.
 */
function rtp({ pt = 0, marker = false, seq = { auto: 0 }, ts = 0, ssrc = 0, csrc = [], ext, padding = 0, payload = tone(160) }) {
  const x = ext !== undefined;
  const head = [0x80 | (padding ? 0x20 : 0) | (x ? 0x10 : 0) | csrc.length, (marker ? 0x80 : 0) | pt];
  head.push(...(typeof seq === 'number' ? u16(seq) : [0, seq.auto & 255]), ...u32(ts), ...u32(ssrc));
  for (const c of csrc) head.push(...u32(c));
  if (x) {
    head.push(...u16(ext.profile), ...u16(ext.words.length));
    for (const w of ext.words) head.push(...u32(w));
  }
  const pad = padding ? [...Array(padding - 1).fill(0), padding] : [];
  return [...head, ...payload, ...pad];
}

/** An RFC 4733 event payload. */
const event = (code, { end = false, volume = 10, duration = 160 } = {}) => [code, (end ? 0x80 : 0) | volume, ...u16(duration)];

/** An RTCP packet: header (V=2, P, count, type, length) around `body` (padded to 32 bits with `padding`). */
function rtcpPacket(type, count, body, padding = 0) {
  const b = [...body];
  while (b.length % 4) b.push(0);
  if (padding) b.push(...Array(padding - 1).fill(0), padding);
  return [0x80 | (padding ? 0x20 : 0) | count, type, ...u16(b.length / 4), ...b];
}
const block = ({ ssrc = LEG_SSRC, fraction = 0, lost = 0, ext = 0x10000, jitter = 12, lsr = 0, dlsr = 0 } = {}) => [
  ...u32(ssrc), fraction, (lost >> 16) & 255, (lost >> 8) & 255, lost & 255, ...u32(ext), ...u32(jitter), ...u32(lsr), ...u32(dlsr),
];
const sr = ({ ssrc = PEER_SSRC, ntpHi = 0xeb000000, ntpLo = 0x80000000, rtpTs = 0x7000000, packets = 50, octets = 8000, blocks = [], padding = 0 } = {}) =>
  rtcpPacket(200, blocks.length, [...u32(ssrc), ...u32(ntpHi), ...u32(ntpLo), ...u32(rtpTs), ...u32(packets), ...u32(octets), ...blocks.flat()], padding);
const rr = ({ ssrc = PEER_SSRC, blocks = [], padding = 0 } = {}) => rtcpPacket(201, blocks.length, [...u32(ssrc), ...blocks.flat()], padding);
/** SDES: chunks of { ssrc, items: [[type, text]] }, each ended by a null item and padded. */
function sdes(chunks, padding = 0) {
  const body = [];
  for (const c of chunks) {
    body.push(...u32(c.ssrc));
    for (const [type, text] of c.items) body.push(type, text.length, ...ascii(text));
    body.push(0);
    while (body.length % 4) body.push(0);
  }
  return rtcpPacket(202, chunks.length, body, padding);
}
const cname = (ssrc = PEER_SSRC, text = 'peer@127.0.0.1') => sdes([{ ssrc, items: [[1, text]] }]);
function bye(ssrcs = [PEER_SSRC], reason) {
  const body = ssrcs.flatMap(u32);
  if (reason !== undefined) body.push(reason.length, ...ascii(reason));
  return rtcpPacket(203, ssrcs.length, body);
}
const app = (subtype = 1, ssrc = PEER_SSRC, name = 'TEST', data = [1, 2, 3, 4]) => rtcpPacket(204, subtype, [...u32(ssrc), ...ascii(name), ...data]);

/** A stream of `n` in-order RTP-shaped records (payload type `pt`), each followed by `after` records. */
function stream(n, { pt = 0, payload = 160, after = tick, src = SRC.peer, previous = false } = {}) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(...dg(MODE.rtp, rtp({ pt, marker: i === 0, payload: tone(payload, i + 1) }), { src, previous }), ...after);
  return out;
}

// ---- the seeds ----
const seeds = {
  // Plain RTP: a stream, a reorder, a duplicate, a late packet, a sequence jump (resync), a new
  // SSRC, a wrong payload type, then playout running dry (concealment, underruns).
  'rtp-plain-stream': [A.plain | A.dtmf | A.latched, 0,
    ...stream(8),
    ...dg(MODE.rtp, rtp({ seq: { auto: 2 } })), ...dg(MODE.rtp, rtp({ seq: { auto: -2 } })), ...tick,
    ...dg(MODE.rtp, rtp({}), { twice: true }), ...tick,
    ...dg(MODE.rtp, rtp({ seq: { auto: -40 } })), ...tick,
    ...dg(MODE.rtp, rtp({ seq: 0x9000 })), ...tick,
    ...dg(MODE.rtp, rtp({ ssrc: 0x0badcafe })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: 18 })), ...tick,
    ...ticks(8), ...report(), ...ticks(6),
    ...stream(3, { after: [...send, ...play, ...play] }), ...play, ...send],
  // Raw plain RTP with every header part: CSRCs, a header extension, padding; and the edge cases
  // of each (15 CSRCs, an extension running past the end, padding larger than the packet).
  'rtp-plain-header-parts': [A.plain | A.latched, B.jitter1,
    ...dg(MODE.raw, rtp({ seq: 0x4000, ts: 1000, ssrc: PEER_SSRC, csrc: [1, 2] })),
    ...dg(MODE.raw, rtp({ seq: 0x4001, ts: 1160, ssrc: PEER_SSRC, ext: { profile: 0xbede, words: [0x10ff0000] } })),
    ...dg(MODE.raw, rtp({ seq: 0x4002, ts: 1320, ssrc: PEER_SSRC, padding: 4 })),
    ...dg(MODE.raw, rtp({ seq: 0x4003, ts: 1480, ssrc: PEER_SSRC, csrc: Array(15).fill(7), ext: { profile: 0x1000, words: [1, 2, 3] }, padding: 8 })),
    ...tick,
    ...dg(MODE.raw, [0x90, 0, 0x40, 4, 0, 0, 0, 0, ...u32(PEER_SSRC), 0xbe, 0xde, 0xff, 0xff]),
    ...dg(MODE.raw, [0xa0, 0, 0x40, 5, 0, 0, 0, 0, ...u32(PEER_SSRC), 1, 2, 3, 0xff]),
    ...dg(MODE.raw, [0x8f, 0, 0x40, 6, 0, 0, 0, 0, ...u32(PEER_SSRC), 1, 2, 3, 4]),
    ...dg(MODE.raw, rtp({ seq: 0x4007, ts: 2120, ssrc: PEER_SSRC, payload: tone(481) })),
    ...ticks(6)],
  // SRTP (_80): authentic RTP with CSRCs, a one-byte-header extension and padding.
  'srtp80-header-parts': [A.srtp80 | A.dtmf, 0,
    ...dg(MODE.rtp, rtp({ marker: true, csrc: [0xc5c50001, 0xc5c50002] })), ...tick,
    ...dg(MODE.rtp, rtp({ ext: { profile: 0xbede, words: [0x22112233, 0x10440000] } })), ...tick,
    ...dg(MODE.rtp, rtp({ padding: 4, payload: tone(156) })), ...tick,
    ...dg(MODE.rtp, rtp({ csrc: [9], ext: { profile: 0x100a, words: [0] }, padding: 12 })), ...tick,
    ...dg(MODE.rtp, rtp({}), { twice: true }), ...tick,
    ...dg(MODE.raw, rtp({ seq: 0x4005, ssrc: PEER_SSRC })), ...tick,
    ...ticks(4), ...report(), ...ticks(3)],
  // SRTP (_32), PCMA, 80-sample frames: a stream with reports both ways.
  'srtp32-pcma-stream': [A.srtp32 | A.latched, B.pcma | B.ms10,
    ...stream(12, { pt: PT.pcma, payload: 80 }),
    ...dg(MODE.rtcp, [...sr({ blocks: [block({ lsr: 0x12345678, dlsr: 0x8000 })] }), ...cname()]),
    ...ticks(10), ...report(), ...report(true)],
  // RFC 4733 received: an event's start (marker), updates, the end packet three times, a second
  // event; an event code above 15; a short event payload.
  'telephone-event-received': [A.srtp80 | A.dtmf | A.latched, 0,
    ...stream(3),
    ...dg(MODE.rtp, rtp({ pt: 101, marker: true, ts: 0x7000320, payload: event(5, { duration: 160 }) })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: 101, ts: 0x7000320, payload: event(5, { duration: 320 }) })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: 101, ts: 0x7000320, payload: event(5, { end: true, duration: 480 }) })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: 101, ts: 0x7000320, payload: event(5, { end: true, duration: 480 }) })),
    ...dg(MODE.rtp, rtp({ pt: 101, ts: 0x7000320, payload: event(5, { end: true, duration: 480 }) })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: 101, marker: true, ts: 0x7000820, payload: event(11, { end: true, duration: 800 }) })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: 101, ts: 0x7000a20, payload: event(16, { end: true }) })),
    ...dg(MODE.rtp, rtp({ pt: 101, ts: 0x7000b20, payload: [5, 0x80, 0] })), ...tick,
    ...stream(3)],
  // RFC 4733 sent: digits queued (more than the queue holds), sent over periods, with audio between.
  'telephone-event-sent': [A.plain | A.dtmf | A.latched, B.ms30,
    ...dtmf(1, 120), ...dtmf(2, 40), ...dtmf(15, 1240), ...ticks(40),
    ...Array.from({ length: 34 }, (_, i) => dtmf(i & 15, 40)).flat(), ...ticks(60),
    ...rekey(7), ...ticks(3)],
  // RTCP on the muxed port, SRTCP-protected: SR + SDES; RR with a block about us (RTT) + SDES +
  // BYE with a reason; SR with two blocks + SDES with two chunks + APP; padding; an SR of a source
  // we receive (LSR/DLSR in our next report); reduced-size and malformed compounds.
  'rtcp-compounds-mux': [A.srtp80 | A.latched, 0,
    ...stream(4),
    ...dg(MODE.rtcp, [...sr({ blocks: [] }), ...cname()]), ...tick,
    ...report(), ...time(300000),
    ...dg(MODE.asIs, [...rr({ blocks: [block({ lsr: 0xeb008000, dlsr: 0x100 })] }), ...cname(), ...bye([PEER_SSRC], 'call ended')]), ...tick,
    ...dg(MODE.asIs, [...sr({ blocks: [block({ ssrc: 0x01020304 }), block({ fraction: 64, lost: 0xfffffe })] }), ...sdes([{ ssrc: PEER_SSRC, items: [[1, 'a@b'], [2, 'name']] }, { ssrc: 7, items: [[1, 'x']] }]), ...app()]), ...tick,
    ...dg(MODE.asIs, [...rr({ blocks: [block()], padding: 4 }), ...sdes([{ ssrc: PEER_SSRC, items: [[1, 'p']] }], 8)]), ...tick,
    ...dg(MODE.asIs, [...cname(), ...rr({})]),
    ...dg(MODE.asIs, [...rr({}), ...sdes([{ ssrc: 1, items: [[1, 'unterminated']] }]).slice(0, 12)]),
    ...dg(MODE.asIs, [...rr({}), ...bye([1, 2, 3]).slice(0, 8)]),
    ...dg(MODE.asIs, [...rr({}), 0x81, 204, 0, 1, 0, 0, 0, 1]),
    ...dg(MODE.asIs, [...rr({}), 0x80, 205, 0, 2, ...u32(PEER_SSRC), ...u32(LEG_SSRC)]),
    ...dg(MODE.rtcp, [0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ...ticks(10), ...report(true)],
  // Plain RTCP on the muxed port, raw: the same kinds of compounds without SRTCP.
  'rtcp-compounds-plain': [A.plain | A.latched, 0,
    ...stream(3),
    ...dg(MODE.raw, [...sr({ blocks: [block({ lsr: 0xeb000000 })] }), ...cname(), ...bye()]),
    ...dg(MODE.raw, [...rr({ blocks: [block(), block()] }), ...cname(PEER_SSRC, 'x'.repeat(40)), ...app(3)]),
    ...dg(MODE.raw, [0x80, 200, 0, 0xff, 1, 2, 3, 4]),
    ...dg(MODE.raw, [0xa0, 201, 0, 1, ...u32(PEER_SSRC), 0, 0, 0, 0]),
    ...dg(MODE.raw, [0x80, 201, 0, 1, ...u32(PEER_SSRC), 0x40, 202, 0, 0]),
    ...ticks(8)],
  // Without rtcp-mux: RTCP over a real socket to the RTCP port (port + 1), from the peer's RTCP
  // address and from elsewhere; RTP-looking and short datagrams there; reports out of that socket.
  'rtcp-socket-no-mux': [A.srtp80 | A.noMux | A.latched, 0,
    ...stream(4),
    ...dg(MODE.rtcp, [...sr({}), ...cname()], { src: SRC.socketRtcp }), ...tick,
    ...dg(MODE.asIs, [...rr({ blocks: [block({ lsr: 0xeb008000 })] }), ...cname(), ...bye()], { src: SRC.socketRtcp }), ...tick,
    ...dg(MODE.raw, [0x80, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { src: SRC.socketRtcp }),
    ...dg(MODE.raw, [0x80, 200, 0], { src: SRC.socketRtcp }),
    ...dg(MODE.rtcp, [...rr({}), ...cname()]),
    ...dg(MODE.rtp, rtp({}), { src: SRC.socketRtp }),
    ...ticks(12), ...report(), ...update(1), ...ticks(3), ...report(true)],
  // Re-keying in progress with a deferred send key: packets under the previous key, then the new
  // one (the previous context ends, the send key commits); further re-keys of every kind.
  'rekey': [A.srtp80Deferred | A.rekeying | A.latched | A.dtmf, 0,
    ...stream(3, { previous: true }),
    ...dg(MODE.rtcp, [...rr({}), ...cname()], { previous: true }), ...tick,
    ...stream(3),
    ...dg(MODE.rtp, rtp({}), { previous: true }), ...tick,
    ...rekey(0), ...stream(2, { previous: true }), ...stream(2),
    ...rekey(3), ...stream(2), ...time(2100000), ...ticks(2),
    ...rekey(1), ...rekey(6), ...stream(3),
    ...rekey(4), ...dg(MODE.rtp, rtp({})), ...stream(2),
    ...rekey(5), ...stream(2), ...rekey(2), ...dg(MODE.rtp, rtp({}), { previous: true }), ...ticks(3)],
  // The latch under SRTP: strangers while the peer is live, then after 250 ms of quiet (one
  // authentication per 20 ms), retired sources, IPv6 and v4-mapped sources, the current target.
  'latch-srtp': [A.srtp80 | A.retired, 0,
    ...dg(MODE.rtp, rtp({}), { src: SRC.stranger }),
    ...stream(2),
    ...dg(MODE.rtp, rtp({}), { src: SRC.stranger }), ...dg(MODE.raw, tone(40), { src: SRC.stranger }),
    ...dg(MODE.rtp, rtp({}), { src: SRC.retired }),
    ...time(300000),
    ...dg(MODE.raw, rtp({ seq: 5, ssrc: 1 }), { src: SRC.stranger }),
    ...dg(MODE.rtp, rtp({}), { src: SRC.stranger }),
    ...time(30000),
    ...dg(MODE.rtp, rtp({}), { src: SRC.stranger }),
    ...dg(MODE.rtp, rtp({}), { src: SRC.current }), ...tick,
    ...time(300000), ...dg(MODE.rtp, rtp({}), { src: SRC.ipv6 }),
    ...time(300000), ...dg(MODE.rtp, rtp({}), { src: SRC.mapped }),
    ...dg(MODE.rtp, rtp({}), { src: SRC.retired }),
    ...time(300000), ...dg(MODE.rtcp, [...rr({}), ...cname()], { src: SRC.stranger }),
    ...time(300000), ...dg(MODE.rtp, rtp({}), { src: SRC.socketRtp }), ...ticks(3)],
  // The latch with plain RTP (1 s of quiet before a move), and js_update moving the peer: another
  // port, 0.0.0.0 (hold: nowhere to send), a retired source, [::1], the stranger, v4-mapped.
  'latch-plain-update': [A.plain | A.retired | A.latched, B.jitter1,
    ...stream(2),
    ...dg(MODE.rtp, rtp({}), { src: SRC.stranger }),
    ...time(1100000),
    ...dg(MODE.rtp, rtp({}), { src: SRC.stranger }), ...tick,
    ...dg(MODE.rtp, rtp({}), { src: SRC.peer }),
    ...update(1), ...stream(2, { src: SRC.current }),
    ...update(2, { send: true, receive: false }), ...ticks(3), ...dg(MODE.rtp, rtp({})),
    ...update(3), ...dg(MODE.rtp, rtp({}), { src: SRC.retired }),
    ...update(4), ...dg(MODE.rtp, rtp({}), { src: SRC.ipv6 }), ...ticks(2),
    ...update(5), ...update(6), ...dg(MODE.rtp, rtp({}), { src: SRC.mapped }),
    ...update(0), ...update(7, { send: false, receive: true }), ...ticks(3),
    ...time(1100000), ...ticks(1), ...dg(MODE.rtp, rtp({}), { src: SRC.socketRtp }), ...ticks(2)],
  // Hold: received and authenticated but not played; resume.
  'held': [A.srtp80 | A.held | A.latched, B.sendOff,
    ...stream(4), ...update(7, { send: true, receive: true }), ...stream(4), ...update(7, { send: false, receive: false }), ...stream(2)],
  // Junk: empty, short, version 0/1/3, RTCP payload types where RTCP is not muxed, forged SRTP.
  'junk': [A.srtp80 | A.noMux, 0,
    ...dg(MODE.raw, []), ...dg(MODE.raw, [0x80]), ...dg(MODE.raw, [0x80, 0, 1, 2, 3, 4, 5]),
    ...dg(MODE.raw, [0x00, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), ...dg(MODE.raw, [0x40, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ...dg(MODE.raw, [0xc0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ...dg(MODE.raw, [0x80, 200, 0, 1, 2, 3, 4, 5]), ...dg(MODE.raw, [0x80, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
    ...dg(MODE.raw, rtp({ seq: 1, ssrc: 1, payload: tone(170) })),
    ...dg(MODE.raw, tone(1500)), ...dg(MODE.raw, tone(1600)),
    ...dg(MODE.asIs, [0x80, 0]), ...dg(MODE.asIs, [0x81, 200, 0, 0]),
    ...ticks(3)],
  // Junk on plain RTP: 8-11 octets that look like RTP (too short for its header: they cannot move
  // the latch), short RTCP, a header extension or CSRCs running past the end.
  'junk-plain': [A.plain, 0,
    ...dg(MODE.raw, [0x80, 0, 0, 1, 0, 0, 0, 0]), ...dg(MODE.raw, [0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]),
    ...dg(MODE.raw, [0x80, 0, 0, 1, 0, 0, 0, 0, 0x5e], { src: SRC.stranger }),
    ...dg(MODE.raw, [0x80, 201, 0, 1, ...u32(PEER_SSRC)]), ...dg(MODE.raw, [0x80, 201, 0, 1, ...u32(PEER_SSRC)], { src: SRC.socketRtp }),
    ...dg(MODE.raw, [0x91, 0, 0, 2, 0, 0, 0, 0, ...u32(PEER_SSRC), 0, 0, 0, 0, 0xbe, 0xde, 0, 9]),
    ...dg(MODE.raw, [0x8f, 0, 0, 3, 0, 0, 0, 0, ...u32(PEER_SSRC), 1, 2, 3, 4]),
    ...ticks(2)],
  // The sound-card path without devices (resamplers, gains, meters), 60 ms periods and a jitter
  // target of 3, until the recording is full.
  'audio-path': [A.plain | A.latched, B.audio | B.ms60 | B.jitter3,
    ...stream(7, { payload: 480 }), ...ticks(30)],
  // G.722 (16 kHz audio, 8 kHz RTP clock): a stream, the longest packet (120 ms), one longer, a
  // telephone-event; then the sound-card path at 16 kHz.
  'g722-stream': [A.srtp80 | A.latched | A.dtmf, B.g722 | B.audio,
    ...stream(5, { pt: PT.g722 }),
    ...dg(MODE.rtp, rtp({ pt: PT.g722, payload: tone(960) })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.g722, payload: tone(961) })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.event, marker: true, ts: 0x7000a00, payload: event(3, { end: true, duration: 800 }) })), ...tick,
    ...stream(3, { pt: PT.g722, payload: 80 }), ...ticks(6), ...rekey(7), ...ticks(2)],
  // Opus (RFC 7587, RTP clock 48 kHz, PCM 16 kHz): SILK, CELT and hybrid TOCs, 10 to 120 ms
  // packets (codes 0 and 3), packets that are not Opus (an empty frame count, a truncated code 2),
  // a telephone-event at 48 kHz, loss concealed by Opus.
  'opus-stream': [A.srtp80 | A.latched | A.dtmf, B.opus,
    ...dg(MODE.rtp, rtp({ pt: PT.opus, marker: true, payload: [0x48, ...tone(40)] })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x48, ...tone(40, 3)] })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0xf8, ...tone(80, 5)] })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x78, ...tone(60, 7)] })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x40, ...tone(20, 2)] })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x4b, 0x03, ...tone(90, 4)] })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x4b, 0x06, ...tone(120, 6)] })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x4b, 0x07, ...tone(120, 6)] })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x4b, 0x00] })),
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x4a, 0xff] })),
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x80, ...tone(10)] })), ...tick,
    ...dg(MODE.rtp, rtp({ pt: PT.event, marker: true, ts: 0x7003000, payload: event(7, { end: true, duration: 4800 }) })), ...tick,
    ...ticks(5), ...stream(2, { pt: PT.opus, payload: 1 }), ...ticks(2)],
  // Opus with 60 ms periods, plain RTP, a jitter target of one period: 20 ms packets fill it by three.
  'opus-60ms': [A.plain | A.latched, B.opus | B.ms60 | B.jitter1,
    ...Array.from({ length: 6 }, (_, i) => dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x48, ...tone(30, i + 1)] }))).flat(), ...ticks(3),
    ...dg(MODE.rtp, rtp({ pt: PT.opus, payload: [0x4b, 0x03, ...tone(60)] })), ...ticks(4)],
  // Send disabled, then enabled; the capture source running out; a deferred send key's deadline.
  'send-side': [A.srtp80Deferred | A.rekeying | A.dtmf, B.sendOff,
    ...ticks(3), ...update(7), ...dtmf(9, 200), ...ticks(30), ...time(2000000), ...ticks(2), ...report(), ...ticks(5)],
};

mkdirSync(corpusDir, { recursive: true });
for (const f of readdirSync(corpusDir)) if (f.endsWith('.bin')) rmSync(join(corpusDir, f));
for (const [name, bytes] of Object.entries(seeds)) {
  if (bytes.length > 4096) throw new Error(`${name}: ${bytes.length} octets (max_len is 4096)`);
  writeFileSync(join(corpusDir, `${name}.bin`), Uint8Array.from(bytes));
}
console.log(`${Object.keys(seeds).length} seeds written to ${corpusDir}`);
