import { describe, expect, it } from 'vitest';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { createBaseCodecRegistry, pcmuCodecFactory } from '../../protocol/codec/index.js';
import { CN_STATIC_PAYLOAD_TYPE, TelephoneEventSender, serializeComfortNoise, serializeRtpPacket } from '../../protocol/rtp/index.js';
import type { CodecSpec } from '../../protocol/sdp/index.js';
import { createResampler } from '../audio/resampler.js';
import { AudioReceiver, type DtmfNotice } from './audio-receiver.js';

const PCMU: CodecSpec = { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 };
const TE: CodecSpec = { payloadType: 101, encodingName: 'telephone-event', clockRate: 8000, fmtp: '0-16' };

function setup(playing = true): { rx: AudioReceiver; dtmf: DtmfNotice[]; observed: number[] } {
  const dtmf: DtmfNotice[] = [];
  const observed: number[] = [];
  const rx = new AudioReceiver(createBaseCodecRegistry(), new FakeRng(1), createResampler, { onRtp: (_ssrc, seq) => observed.push(seq) }, (n) => dtmf.push(n), (m) => {
    throw new Error(m);
  });
  rx.configure({ codecs: [PCMU, TE], primary: PCMU, ptimeMs: 20, playing }, 8000);
  return { rx, dtmf, observed };
}

const encoder = pcmuCodecFactory.create({});
let phase = 0;
function toneFrame(): Uint8Array {
  const pcm = new Int16Array(160);
  for (let i = 0; i < 160; i++, phase++) pcm[i] = Math.round(10000 * Math.sin((2 * Math.PI * 1000 * phase) / 8000));
  return encoder.encode(pcm);
}

function packet(seq: number, payload: Uint8Array, pt = 0, ts = seq * 160, marker = false): Uint8Array {
  return serializeRtpPacket({ marker, payloadType: pt, sequenceNumber: seq, timestamp: ts, ssrc: 0x1234, csrcs: [], payload });
}

const rms = (pcm: Int16Array): number => Math.sqrt(pcm.reduce((s, v) => s + v * v, 0) / Math.max(1, pcm.length));

/** Feeds `count` frames at 20 ms intervals (skipping `lose`), pulling one playback frame per interval; returns what was played. */
function run(rx: AudioReceiver, count: number, lose: ReadonlySet<number> = new Set()): Int16Array[] {
  const played: Int16Array[] = [];
  for (let i = 0; i < count; i++) {
    const now = i * 20;
    if (!lose.has(i)) {
      const p = packet(i + 1, toneFrame());
      rx.onRtp(p, p.length, now);
    } else toneFrame();
    const out = new Int16Array(160);
    rx.fill(out, now + 10);
    played.push(out);
  }
  return played;
}

describe('AudioReceiver', () => {
  it('plays the decoded stream after a short jitter-buffer delay', () => {
    const { rx, observed } = setup();
    const played = run(rx, 50);
    const startedAt = played.findIndex((f) => rms(f) > 1000);
    expect(startedAt).toBeGreaterThanOrEqual(0);
    expect(startedAt).toBeLessThanOrEqual(3);
    for (const f of played.slice(startedAt)) expect(rms(f)).toBeGreaterThan(5000);
    expect(observed).toHaveLength(50);
    expect(rx.stats()).toMatchObject({ packets: 50, unknownPayloadType: 0, underruns: 0 });
  });

  it('shrinks an excess delay in the G.711 silence of a stream without comfort noise (continuous RTP)', () => {
    const { rx } = setup();
    const silent = encoder.encode(new Int16Array(160)); // digital silence, as a phone without VAD sends
    // Playout pulls 1 ms before each arrival: the initial 20 ms delay costs 40 ms of waiting.
    const feed = (from: number, to: number, payload: () => Uint8Array): void => {
      for (let i = from; i < to; i++) {
        const p = packet(i + 1, payload());
        rx.onRtp(p, p.length, i * 20 + 1);
        rx.fill(new Int16Array(160), i * 20 + 20);
      }
    };
    feed(0, 50, toneFrame); // speech: no shrink point
    const during = rx.stats().jitterBuffer!;
    expect(during.shrunk).toBe(0);
    feed(50, 100, () => silent);
    const after = rx.stats().jitterBuffer!;
    expect(after.shrunk).toBeGreaterThanOrEqual(1);
    expect(after.currentDelayMs).toBeLessThan(during.currentDelayMs);
  });

  it('conceals a lost packet with codec PLC instead of silence', () => {
    const { rx } = setup();
    const played = run(rx, 40, new Set([20, 21]));
    const jb = rx.stats().jitterBuffer!;
    expect(jb.concealed).toBeGreaterThanOrEqual(2);
    const startedAt = played.findIndex((f) => rms(f) > 1000);
    for (const f of played.slice(startedAt)) expect(rms(f), 'no silent frame').toBeGreaterThan(1000);
  });

  it('reports each RFC 4733 digit once, at its end, with its duration', () => {
    const { rx, dtmf } = setup();
    const te = new TelephoneEventSender({ clockRate: 8000, packetTicks: 160, toneMs: 120 });
    te.enqueue('9#');
    let seq = 1;
    for (let i = 0; i < 40; i++) {
      const ev = te.tick(i * 160);
      const p = ev === undefined ? packet(seq, toneFrame(), 0, i * 160) : packet(seq, ev.payload, 101, ev.timestamp, ev.marker);
      seq++;
      rx.onRtp(p, p.length, i * 20);
    }
    expect(dtmf).toEqual([
      { digit: '9', durationMs: 120 },
      { digit: '#', durationMs: 120 },
    ]);
    expect(rx.stats().dtmfPackets).toBeGreaterThan(10);
  });

  it('counts payload types that were not agreed and plays nothing for them', () => {
    const { rx, observed } = setup();
    const p = packet(1, new Uint8Array(160), 18);
    rx.onRtp(p, p.length, 0);
    expect(rx.stats().unknownPayloadType).toBe(1);
    expect(observed).toEqual([1]); // still counted for RTCP
  });

  it('takes comfort noise (RFC 3389) gracefully: noise at the signalled level, not silence or garbage', () => {
    const { rx } = setup();
    run(rx, 10);
    const cn = packet(11, serializeComfortNoise({ level: 40, coefficients: new Uint8Array(0) }), CN_STATIC_PAYLOAD_TYPE, 11 * 160);
    rx.onRtp(cn, cn.length, 200);
    const frames: Int16Array[] = [];
    for (let i = 0; i < 10; i++) {
      const out = new Int16Array(160);
      rx.fill(out, 210 + i * 20);
      frames.push(out);
    }
    const levels = frames.map(rms);
    expect(Math.max(...levels.slice(-5))).toBeGreaterThan(50);
    expect(Math.max(...levels.slice(-5))).toBeLessThan(1000);
  });

  it('on hold (not playing) plays silence and does not buffer', () => {
    const { rx } = setup(false);
    const played = run(rx, 20);
    expect(played.every((f) => rms(f) === 0)).toBe(true);
    expect(rx.stats().jitterBuffer?.received).toBe(0);
  });

  it('never throws on malformed packets', () => {
    const { rx } = setup();
    for (const g of [new Uint8Array(3), new Uint8Array(12).fill(0x40), Uint8Array.from([0x80, 101, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 3])]) rx.onRtp(g, g.length, 0);
    expect(rx.stats().malformed).toBeGreaterThanOrEqual(2);
  });
});
