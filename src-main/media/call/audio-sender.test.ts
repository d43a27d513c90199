import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { pcmuCodecFactory } from '../../protocol/codec/index.js';
import { parseRtpPacket, parseTelephoneEvents, type RtpPacket } from '../../protocol/rtp/index.js';
import type { Resampler, ResamplerFactory } from '../audio/resampler.js';
import { AudioSender, type SendConfig } from './audio-sender.js';

const TE = { payloadType: 101, clockRate: 8000 };

/** 2:1 decimation, enough to see frames cross a rate change. */
const halving: ResamplerFactory = (inputRate, outputRate) =>
  Promise.resolve<Resampler>({
    inputRate,
    outputRate,
    process: (input) => input.filter((_, i) => i % 2 === 0),
    dispose: () => undefined,
  });

function setup(config: Partial<SendConfig> = {}, captureRate = 8000): { sender: AudioSender; packets: RtpPacket[] } {
  const packets: RtpPacket[] = [];
  const sender = new AudioSender(new FakeRng(5), new FakeClock(), {
    sendRtp: (p) => {
      const parsed = parseRtpPacket(Uint8Array.from(p));
      if (!parsed.ok) throw new Error(parsed.error.message);
      packets.push(parsed.value);
      return true;
    },
  }, halving, (m) => {
    throw new Error(m);
  });
  sender.configure({ codec: pcmuCodecFactory.create({ payloadType: 0, ptimeMs: 20 }), telephoneEvent: TE, sending: true, ...config }, captureRate);
  return { sender, packets };
}

const tone = (n = 160): Int16Array => Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));

describe('AudioSender', () => {
  it('packetizes one 20 ms frame per packet: marker on the first, consecutive sequence numbers, timestamps +160, one SSRC', () => {
    const { sender, packets } = setup();
    for (let i = 0; i < 4; i++) sender.onCapture(tone());
    expect(packets.map((p) => p.marker)).toEqual([true, false, false, false]);
    expect(packets.map((p) => (p.sequenceNumber - packets[0]!.sequenceNumber) & 0xffff)).toEqual([0, 1, 2, 3]);
    expect(packets.map((p) => (p.timestamp - packets[0]!.timestamp) >>> 0)).toEqual([0, 160, 320, 480]);
    expect(new Set(packets.map((p) => p.ssrc)).size).toBe(1);
    expect(packets.every((p) => p.payloadType === 0 && p.payload.length === 160)).toBe(true);
    expect(sender.state?.counts.packetCount).toBe(4);
  });

  it('random SSRC, initial sequence number and timestamp come from the Rng (RFC 3550 §5.1)', () => {
    const first = (seed: number): RtpPacket => {
      const packets: RtpPacket[] = [];
      const sender = new AudioSender(new FakeRng(seed), new FakeClock(), {
          sendRtp: (p) => {
            const r = parseRtpPacket(Uint8Array.from(p));
            if (r.ok) packets.push(r.value);
            return true;
          },
        }, halving, () => undefined);
      sender.configure({ codec: pcmuCodecFactory.create({}), telephoneEvent: undefined, sending: true }, 8000);
      sender.onCapture(tone());
      return packets[0]!;
    };
    const [a, b] = [first(1), first(2)];
    expect(a.ssrc).not.toBe(b.ssrc);
    expect(a.sequenceNumber).not.toBe(b.sequenceNumber);
    expect(a.timestamp).not.toBe(b.timestamp);
  });

  it('sends nothing while sending is off, and resumes with a marker and a timestamp that counts the gap', () => {
    const { sender, packets } = setup();
    sender.onCapture(tone());
    sender.onCapture(tone());
    sender.configure({ codec: pcmuCodecFactory.create({ payloadType: 0 }), telephoneEvent: TE, sending: false }, 8000);
    for (let i = 0; i < 3; i++) sender.onCapture(tone());
    expect(packets).toHaveLength(2);
    expect(sender.canSendDtmf).toBe(false);
    expect(sender.sendDtmf('1')).toBe(false);
    sender.configure({ codec: pcmuCodecFactory.create({ payloadType: 0 }), telephoneEvent: TE, sending: true }, 8000);
    sender.onCapture(tone());
    expect(packets[2]!.marker).toBe(true);
    expect((packets[2]!.timestamp - packets[1]!.timestamp) >>> 0).toBe(4 * 160);
    expect((packets[2]!.sequenceNumber - packets[1]!.sequenceNumber) & 0xffff).toBe(1);
  });

  it('muted: keeps sending, but encoded silence', () => {
    const { sender, packets } = setup();
    sender.muted = true;
    sender.onCapture(tone());
    expect(packets[0]!.payload.every((b) => b === 0xff)).toBe(true); // µ-law zero
  });

  it('RFC 4733: a digit replaces audio - marker on the first event packet, one timestamp, growing duration, the end packet three times, then audio again', () => {
    const { sender, packets } = setup();
    sender.onCapture(tone());
    expect(sender.sendDtmf('5', 100)).toBe(true);
    for (let i = 0; i < 12; i++) sender.onCapture(tone());
    const events = packets.filter((p) => p.payloadType === 101);
    expect(events).toHaveLength(5 + 2);
    expect(events.map((p) => p.marker)).toEqual([true, false, false, false, false, false, false]);
    expect(new Set(events.map((p) => p.timestamp)).size).toBe(1);
    const blocks = events.map((p) => {
      const r = parseTelephoneEvents(p.payload);
      if (!r.ok) throw new Error('bad event');
      return r.value[0]!;
    });
    expect(blocks.map((b) => b.event)).toEqual(Array(7).fill(5));
    expect(blocks.map((b) => b.duration)).toEqual([160, 320, 480, 640, 800, 800, 800]);
    expect(blocks.map((b) => b.end)).toEqual([false, false, false, false, true, true, true]);
    const seqs = packets.map((p) => p.sequenceNumber);
    for (let i = 1; i < seqs.length; i++) expect((seqs[i]! - seqs[i - 1]!) & 0xffff).toBe(1);
    const after = packets.slice(packets.indexOf(events[6]!) + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after[0]).toMatchObject({ payloadType: 0, marker: true });
  });

  it('queues several digits in order and rejects invalid keys as a whole', () => {
    const { sender, packets } = setup();
    expect(sender.sendDtmf('1x')).toBe(false);
    expect(sender.sendDtmf('12')).toBe(true);
    for (let i = 0; i < 30; i++) sender.onCapture(tone());
    const starts = packets.filter((p) => p.payloadType === 101 && p.marker).map((p) => {
      const r = parseTelephoneEvents(p.payload);
      return r.ok ? r.value[0]!.event : -1;
    });
    expect(starts).toEqual([1, 2]);
  });

  it('without telephone-event agreed, DTMF is refused', () => {
    const { sender } = setup({ telephoneEvent: undefined });
    expect(sender.sendDtmf('1')).toBe(false);
  });

  it('converts the capture rate to the codec rate before encoding', async () => {
    const { sender, packets } = setup({}, 16000);
    sender.onCapture(tone(320)); // resampler not loaded yet: dropped
    await Promise.resolve();
    await Promise.resolve();
    sender.onCapture(tone(320));
    sender.onCapture(tone(320));
    expect(packets).toHaveLength(2);
    expect(packets[1]!.payload.length).toBe(160);
  });

  it('a new RTP clock rate starts a new SSRC (RFC 7160)', async () => {
    const { sender } = setup();
    sender.onCapture(tone());
    const ssrc = sender.state!.ssrc;
    const { g722CodecFactory } = await import('../../protocol/codec/index.js');
    expect(sender.configure({ codec: g722CodecFactory.create({}), telephoneEvent: TE, sending: true }, 16000).newSsrc).toBe(false); // G.722's RTP clock is 8000 too
    expect(sender.state!.ssrc).toBe(ssrc);
    const { OPUS_DESCRIPTOR } = await import('../codecs/opus-codec.js');
    const fakeOpus = { ...pcmuCodecFactory.create({}), descriptor: OPUS_DESCRIPTOR, sampleRate: 48000, frameSamples: 960, frameTicks: 960, payloadType: 111, encode: () => new Uint8Array(10), decode: () => new Int16Array(960), conceal: () => new Int16Array(960), samplesIn: () => 960, decodeErrors: 0, dispose: () => undefined };
    expect(sender.configure({ codec: fakeOpus, telephoneEvent: TE, sending: true }, 48000).newSsrc).toBe(true);
  });
});
