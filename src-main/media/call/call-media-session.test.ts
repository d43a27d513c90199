/**
 * CallMediaEngine/CallMediaSession on a FakeClock, an in-memory UDP network with impairments
 * (test/fakes/fake-rtp-network.ts over SimulatedPath) and fake audio devices driven frame by
 * frame: offer/answer outcomes and failures, a call through jitter, loss, duplicates and
 * reordering, lifetimes (sockets, timers, streams), device loss, audio without any device.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeAudioDevicePort, fakeDevice } from '../../../test/fakes/fake-audio-device.js';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { FakeRtpNetwork } from '../../../test/fakes/fake-rtp-network.js';
import type { NetworkConditions } from '../../../test/fakes/simulated-network.js';
import { analyseTone } from '../../../test/interop/harness/audio/tone-analysis.js';
import { err, ok } from '../../base/result.js';
import { createBaseCodecRegistry } from '../../protocol/codec/index.js';
import type { AudioDevicePort } from '../audio/audio-port.js';
import type { CallMediaOptions, MediaEvent } from '../call-media.js';
import type { CallAudioProvider } from './call-audio.js';
import { CallMediaEngine } from './call-media-engine.js';
import type { CallMediaSession } from './call-media-session.js';

const OPTIONS: CallMediaOptions = { callId: 'c', srtp: 'mandatory', signalling: 'tls', allowInsecureSdes: false, codecs: ['PCMU'], localAddress: '127.0.0.1' };

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Side {
  media: CallMediaSession;
  port: FakeAudioDevicePort;
  events: MediaEvent[];
  freq: number;
  phase: number;
}

class World {
  readonly clock = new FakeClock();
  readonly rng = new FakeRng(42);
  readonly net: FakeRtpNetwork;
  private readonly sides: Side[] = [];

  constructor(conditions: NetworkConditions = {}) {
    this.net = new FakeRtpNetwork(this.clock, this.rng, conditions);
    this.net.keepSent = false;
  }

  engine(audio?: CallAudioProvider): CallMediaEngine {
    return new CallMediaEngine({ clock: this.clock, rng: this.rng, sockets: this.net.factory, codecs: createBaseCodecRegistry(), rtcpIntervalMs: 1000, ...(audio === undefined ? {} : { audio }) });
  }

  async side(freq: number, options: Partial<CallMediaOptions> = {}): Promise<Side> {
    const port = new FakeAudioDevicePort();
    const r = await this.engine(provider(port)).create({ ...OPTIONS, ...options });
    if (!r.ok) throw new Error(r.error.message);
    const side: Side = { media: r.value as CallMediaSession, port, events: [], freq, phase: 0 };
    side.media.onEvent((e) => side.events.push(e));
    this.sides.push(side);
    return side;
  }

  /** Advances time in 20 ms device periods: each microphone delivers a tone frame, each speaker pulls one. */
  run(ms: number): void {
    for (let t = 0; t < ms; t += 20) {
      this.clock.advance(20);
      for (const s of this.sides) {
        const cap = s.port.captures[0];
        if (cap !== undefined) {
          const f = new Int16Array(cap.frameSamples);
          for (let i = 0; i < f.length; i++, s.phase++) f[i] = Math.round(16000 * Math.sin((2 * Math.PI * s.freq * s.phase) / cap.sampleRate));
          cap.emit(f);
        }
        s.port.playbacks[0]?.pull(1);
      }
    }
  }

  dispose(): void {
    for (const s of this.sides) s.media.dispose();
    this.net.dispose();
  }
}

function provider(port: AudioDevicePort): CallAudioProvider {
  return { open: () => ok({ port, owned: false }) };
}

function negotiate(a: Side, b: Side): void {
  negotiateMedia(a.media, b.media);
}

/** A offers, B answers, A applies the answer. */
function negotiateMedia(a: CallMediaSession, b: CallMediaSession): void {
  const offer = a.createOffer();
  if (!offer.ok) throw new Error(offer.error.message);
  const answer = b.answerOffer(offer.value);
  if (!answer.ok) throw new Error(answer.error.message);
  const applied = a.applyAnswer(answer.value.sdp);
  if (!applied.ok) throw new Error(applied.error.message);
}

function played(s: Side): Float32Array {
  const frames = s.port.playbacks[0]?.played ?? [];
  const out = new Float32Array(frames.reduce((n, f) => n + f.length, 0));
  let o = 0;
  for (const f of frames) for (const v of f) out[o++] = v / 32768;
  return out;
}

let world: World | undefined;
afterEach(() => {
  world?.dispose();
  world = undefined;
});

describe('CallMediaEngine.create', () => {
  it('refuses accounts whose codecs this build lacks, wildcard addresses, file audio without a provider, and socket failures', async () => {
    const w = (world = new World());
    const e = w.engine();
    expect(await e.create({ ...OPTIONS, codecs: [] })).toMatchObject({ ok: false, error: { code: 'no-codecs' } });
    expect(await e.create({ ...OPTIONS, localAddress: '0.0.0.0' })).toMatchObject({ ok: false, error: { code: 'bad-config' } });
    expect(await e.create({ ...OPTIONS, audio: { playFile: '/x.wav' } })).toMatchObject({ ok: false, error: { code: 'bad-config' } });
    const broken = new CallMediaEngine({ clock: w.clock, rng: w.rng, codecs: createBaseCodecRegistry(), sockets: { bind: () => Promise.resolve(err({ code: 'address-unavailable', message: 'gone' })) } });
    expect(await broken.create(OPTIONS)).toMatchObject({ ok: false, error: { code: 'socket-failed' } });
  });
});

describe('offer/answer through the port', () => {
  it('offers the account codecs in order plus telephone-event, and the negotiated state carries no key material', async () => {
    const w = (world = new World());
    const a = await w.side(1000, { codecs: ['PCMA', 'G722', 'PCMU', 'opus'] });
    const b = await w.side(440, { codecs: ['G722', 'PCMU'] });
    const offer = a.media.createOffer();
    if (!offer.ok) throw new Error(offer.error.message);
    expect(offer.value).toMatch(/^m=audio \d+ RTP\/SAVP 8 9 0 101\r?$/m); // opus is not in this registry
    const answer = b.media.answerOffer(offer.value);
    if (!answer.ok) throw new Error(answer.error.message);
    expect(answer.value.state).toMatchObject({ srtp: true, suite: 'AES_CM_128_HMAC_SHA1_80', codec: 'G722/8000', direction: 'sendrecv' });
    const st = a.media.applyAnswer(answer.value.sdp);
    expect(st).toMatchObject({ ok: true, value: { codec: 'G722/8000' } });
    expect(a.events.filter((e) => e.kind === 'negotiated')).toHaveLength(1);
    expect(JSON.stringify([a.media.state, b.media.state, a.events, b.events, a.media.diagnostics()])).not.toMatch(/inline:|masterKey|masterSalt/);
  });

  it('maps every failure to a MediaFailure value (never a throw)', async () => {
    const w = (world = new World());
    const a = await w.side(1000);
    const b = await w.side(440);
    expect(a.media.applyAnswer('v=0')).toMatchObject({ ok: false, error: { code: 'bad-config' } });
    expect(b.media.answerOffer('not sdp at all')).toMatchObject({ ok: false, error: { code: 'unparseable-sdp', sipStatus: 400 } });
    const offer = a.media.createOffer();
    if (!offer.ok) throw new Error(offer.error.message);
    expect(a.media.applyAnswer('garbage')).toMatchObject({ ok: false, error: { code: 'unparseable-sdp' } });
    const insecure = await w.side(1000, { signalling: 'udp' });
    const r = insecure.media.createOffer();
    expect(r).toMatchObject({ ok: false, error: { code: 'insecure-signalling' } });
    if (!r.ok) expect(r.error.report?.media[0]?.reasonCode).toBe('insecure-signalling');
    const allowed = await w.side(1000, { signalling: 'udp', allowInsecureSdes: true });
    const o2 = allowed.media.createOffer();
    expect(o2.ok).toBe(true);
    const ans = b.media.answerOffer(o2.ok ? o2.value : '');
    if (!ans.ok) throw new Error(ans.error.message);
    const st = allowed.media.applyAnswer(ans.value.sdp);
    if (!st.ok) throw new Error(st.error.message);
    expect(st.value.report.warnings.map((x) => x.code)).toContain('keys-over-insecure-signalling');
  });
});

describe('a call through an impaired network (30 ms delay, 40 ms jitter, 5% loss, 2% duplicates, 2% reordering)', () => {
  it('plays the far-end tone continuously, conceals the losses, counts duplicates as SRTP replays, and keeps the added delay bounded', async () => {
    const w = (world = new World({ baseDelayMs: 30, jitterMs: 40, lossRate: 0.05, duplicateRate: 0.02, reorderRate: 0.02, reorderDelayMs: 30 }));
    const a = await w.side(1000);
    const b = await w.side(440);
    negotiate(a, b);
    await flush();
    w.run(20_000);
    for (const [side, hz] of [[b, 1000], [a, 440]] as const) {
      const pcm = played(side);
      const t = analyseTone({ samples: pcm, sampleRate: 8000 }, { trimSeconds: 1 });
      expect(Math.abs(t.dominantHz - hz)).toBeLessThan(5);
      expect(t.dominantShare).toBeGreaterThan(0.8);
      // Continuity: after the start, no 20 ms frame of silence.
      const frames = side.port.playbacks[0]!.played;
      const start = frames.findIndex((f) => f.some((v) => v !== 0));
      const silent = frames.slice(start).filter((f) => f.every((v) => v === 0)).length;
      expect(silent, 'silent frames after the start').toBeLessThanOrEqual(2);
      const d = side.media.diagnostics();
      const jb = d.receiver.jitterBuffer!;
      expect(jb.late / jb.received, 'late loss').toBeLessThan(0.02);
      expect(jb.concealed / jb.played, 'concealment').toBeLessThan(0.05 + 0.03 + 0.03);
      expect(jb.meanWaitMs, 'mean wait in the jitter buffer').toBeLessThan(90);
      expect(d.srtp.authFailures).toBe(0);
      expect(d.srtp.replays, 'duplicated datagrams are replays to SRTP').toBeGreaterThan(0);
      const s = side.media.stats();
      expect(s.lossPercent).toBeGreaterThan(2);
      expect(s.lossPercent).toBeLessThan(9);
      expect(s.jitterMs).toBeGreaterThan(3);
      expect(s.mos).toBeGreaterThan(3);
    }
  });

  it('without impairments the jitter buffer adds little delay and conceals nothing', async () => {
    const w = (world = new World({ baseDelayMs: 5 }));
    const a = await w.side(1000);
    const b = await w.side(440);
    negotiate(a, b);
    await flush();
    w.run(6000);
    for (const s of [a, b]) {
      const jb = s.media.diagnostics().receiver.jitterBuffer!;
      expect(jb.concealed).toBe(0);
      expect(jb.late).toBe(0);
      expect(jb.meanWaitMs).toBeLessThan(40);
      expect(s.media.stats()).toMatchObject({ lossPercent: 0, packetsLost: 0 });
    }
  });
});

describe('lifetimes', () => {
  it('dispose sends an RTCP BYE, closes both sockets and the audio streams, and leaves no timer behind', async () => {
    const w = (world = new World());
    const a = await w.side(1000);
    const b = await w.side(440);
    expect(w.net.openSockets).toBe(4);
    negotiate(a, b);
    expect(w.net.openSockets, 'RTCP sockets released with rtcp-mux').toBe(2);
    await flush();
    w.run(400);
    expect(a.port.openStreams).toBe(2);
    a.media.dispose();
    w.run(20);
    expect(b.media.diagnostics().peerSaidBye).toBe(true);
    b.media.dispose();
    expect(w.net.openSockets).toBe(0);
    expect(a.port.openStreams + b.port.openStreams).toBe(0);
    w.net.dispose();
    expect(w.clock.pendingTimers).toBe(0);
    // Calls on a disposed session are refused, not thrown.
    expect(a.media.createOffer()).toMatchObject({ ok: false });
    expect(a.media.sendDtmf('1')).toBe(false);
  });

  it('without an audio provider, a silent microphone paced by the clock still drives RTP and DTMF', async () => {
    const w = (world = new World());
    const e = w.engine();
    const ra = await e.create(OPTIONS);
    const rb = await e.create(OPTIONS);
    if (!ra.ok || !rb.ok) throw new Error('create');
    const a = ra.value as CallMediaSession;
    const b = rb.value as CallMediaSession;
    const digits: string[] = [];
    b.onEvent((ev) => ev.kind === 'dtmf' && digits.push(ev.digit));
    const offer = a.createOffer();
    const answer = offer.ok ? b.answerOffer(offer.value) : undefined;
    if (answer?.ok !== true) throw new Error('negotiation');
    a.applyAnswer(answer.value.sdp);
    await flush();
    expect(a.sendDtmf('42')).toBe(true);
    w.clock.advance(2000);
    expect(digits).toEqual(['4', '2']);
    expect(b.diagnostics().transport.rtpPacketsIn).toBeGreaterThan(80);
    a.dispose();
    b.dispose();
    w.net.dispose();
    expect(w.clock.pendingTimers).toBe(0);
  });

  it('a microphone that disappears mid-call is replaced by the default device and the call goes on', async () => {
    const w = (world = new World());
    const port = new FakeAudioDevicePort([
      fakeDevice('headset', { maxOutputChannels: 0 }),
      fakeDevice('builtin', { isDefaultInput: true, maxOutputChannels: 0 }),
      fakeDevice('speaker', { isDefaultOutput: true, maxInputChannels: 0 }),
    ]);
    const r = await w.engine({ open: () => ok({ port, owned: false, captureDeviceId: 'headset' }) }).create(OPTIONS);
    const b = await w.side(440);
    if (!r.ok) throw new Error('create');
    const a = r.value as CallMediaSession;
    const errors: string[] = [];
    a.onEvent((e) => e.kind === 'error' && errors.push(e.message));
    negotiateMedia(a, b.media);
    await flush();
    expect(port.captures.map((c) => c.deviceId)).toEqual(['headset']);
    port.unplug('headset');
    await flush();
    expect(errors.join()).toMatch(/headset.*audio-device-lost/);
    expect(port.captures.map((c) => c.deviceId)).toEqual(['builtin']);
    const sentBefore = a.diagnostics().sender.packets;
    port.captures[0]!.emit(new Int16Array(160));
    expect(a.diagnostics().sender.packets).toBe(sentBefore + 1);
    a.dispose();
  });

  it('devices and volume chosen while the call rings apply when its audio opens, and reports say where the audio goes', async () => {
    const w = (world = new World());
    const port = new FakeAudioDevicePort([
      fakeDevice('headset', { maxInputChannels: 1, maxOutputChannels: 2 }),
      fakeDevice('builtin', { isDefaultInput: true, maxOutputChannels: 0 }),
      fakeDevice('speaker', { isDefaultOutput: true, maxInputChannels: 0 }),
    ]);
    const r = await w.engine({ open: () => ok({ port, owned: false }) }).create(OPTIONS);
    const b = await w.side(440);
    if (!r.ok) throw new Error('create');
    const a = r.value as CallMediaSession;
    const events: MediaEvent[] = [];
    a.onEvent((e) => events.push(e));
    await a.setAudioDevices({ captureDeviceId: 'headset', playbackDeviceId: 'headset' });
    a.setVolume({ inputGainDb: -6 });
    negotiateMedia(a, b.media);
    await flush();
    expect(port.captures.map((c) => c.deviceId)).toEqual(['headset']);
    expect(port.playbacks.map((p) => p.deviceId)).toEqual(['headset']);
    expect(events.find((e) => e.kind === 'audio-devices')).toMatchObject({ devices: { capture: 'headset', playback: 'headset', backend: 'fake' } });
    expect(a.diagnostics().audio?.devices.capture).toBe('headset');
    // Five microphone frames make one meter report, 6 dB under the 16000-peak input.
    for (let i = 0; i < 5; i++) port.captures[0]!.emit(new Int16Array(160).fill(16000));
    const levels = events.find((e) => e.kind === 'levels');
    expect(levels?.kind === 'levels' && levels.levels.inputPeakDbfs).toBeCloseTo(20 * Math.log10(8019 / 32767), 1);
    a.dispose();
  });
});

describe('RTCP without multiplexing', () => {
  it('keeps the RTCP socket on RTP+1 when the peer does not agree to rtcp-mux, and re-binds it when a re-offer drops mux', async () => {
    const w = (world = new World());
    const a = await w.side(1000);
    const b = await w.side(440);
    const offer = a.media.createOffer();
    if (!offer.ok) throw new Error(offer.error.message);
    const answer = b.media.answerOffer(offer.value.replace(/^a=rtcp-mux\r?\n/m, ''));
    if (!answer.ok) throw new Error(answer.error.message);
    expect(answer.value.sdp).not.toMatch(/rtcp-mux/);
    a.media.applyAnswer(answer.value.sdp);
    expect(a.media.diagnostics().rtcpMux).toBe(false);
    await flush();
    w.run(3000);
    expect(a.media.diagnostics().transport.rtcpPacketsIn).toBeGreaterThan(0);
    expect(b.media.diagnostics().transport.rtcpPacketsIn).toBeGreaterThan(0);

    // A second call: mux first, then the peer re-offers without it.
    const c = await w.side(1000);
    const d = await w.side(440);
    negotiate(c, d);
    expect(c.media.diagnostics().rtcpMux).toBe(true);
    const reoffer = d.media.createOffer();
    if (!reoffer.ok) throw new Error(reoffer.error.message);
    const reanswer = c.media.answerOffer(reoffer.value.replace(/^a=rtcp-mux\r?\n/m, ''));
    if (!reanswer.ok) throw new Error(reanswer.error.message);
    await flush();
    expect(c.media.diagnostics().rtcpMux).toBe(false);
  });
});
