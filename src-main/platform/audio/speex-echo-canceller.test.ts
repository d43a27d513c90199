/**
 * The real addon (native/speexdsp-aec, built by `npm ci`) on a synthetic echo path
 * (test/support/echo-simulation.ts): speech-like far end, 40 ms of device latency + 50 ms room
 * delay, direct path at -8 dB, 150 ms RT60 diffuse tail, near-end noise at -70 dBFS.
 * ERLE = microphone power / output power while only the far end talks, after convergence.
 */
import { describe, expect, it } from 'vitest';
import { FakeEchoCanceller } from '../../../test/fakes/fake-echo-canceller.js';
import {
  correlation,
  DEFAULT_ECHO_PATH,
  deviceLikeSchedule,
  erleDb,
  levelRatioDb,
  makeEchoScenario,
  rms,
  runCanceller,
  runSchedule,
  type EchoScenario,
} from '../../../test/support/echo-simulation.js';
import type { EchoCanceller, EchoCancellerOptions } from '../../media/audio/echo-canceller.js';
import { loadSpeexAecAddon, speexEchoCancellerFactory, type SpeexAecBinding } from './speex-echo-canceller.js';

const factory = speexEchoCancellerFactory();

function make(options: EchoCancellerOptions): EchoCanceller {
  const r = factory(options);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Runs a fresh canceller over the scenario and disposes it. */
function cancel(s: EchoScenario, options: Omit<EchoCancellerOptions, 'sampleRate'>, order?: Parameters<typeof runCanceller>[3]): { out: Int16Array; stats: ReturnType<EchoCanceller['stats']> } {
  const aec = make({ sampleRate: s.rate, ...options });
  const out = runCanceller(aec, s.far, s.mic, order);
  const stats = aec.stats();
  aec.dispose();
  return { out, stats };
}

const room16k = makeEchoScenario({ rate: 16000, seconds: 12, seed: 1 });

describe('speexdsp echo canceller: echo-return-loss enhancement on a synthetic room', () => {
  it.each([160, 320])('removes ≥ 25 dB of echo with the adaptive filter alone, and ≥ 35 dB with residual-echo suppression (16 kHz, %i-sample frames, 4–12 s)', (frameSamples) => {
    const filterOnly = cancel(room16k, { frameSamples, residualEchoSuppression: false });
    const withRes = cancel(room16k, { frameSamples });
    // Measured: 33.9 / 34.4 dB (filter), 45.4 / 47.8 dB (with suppression).
    expect(erleDb(room16k, filterOnly.out, 4)).toBeGreaterThanOrEqual(25);
    expect(erleDb(room16k, withRes.out, 4)).toBeGreaterThanOrEqual(35);
    expect(filterOnly.stats).toMatchObject({ frames: 12 * 16000 / frameSamples, playbackFrames: 12 * 16000 / frameSamples, farEndUnderruns: 0, farEndOverruns: 0 });
  });

  it('the metric can fail: with the canceller bypassed (microphone copied through) ERLE is 0 dB', () => {
    const bypass = new FakeEchoCanceller({ sampleRate: 16000, frameSamples: 320 });
    const out = runCanceller(bypass, room16k.far, room16k.mic);
    expect(Math.abs(erleDb(room16k, out, 4))).toBeLessThan(0.1);
  });

  it('cancels from the reference: fed an unrelated far-end signal, the filter removes < 3 dB', () => {
    const other = makeEchoScenario({ rate: 16000, seconds: 12, seed: 99 });
    const aec = make({ sampleRate: 16000, frameSamples: 320, residualEchoSuppression: false });
    const out = runCanceller(aec, other.far, room16k.mic);
    aec.dispose();
    expect(erleDb(room16k, out, 4)).toBeLessThan(3);
  });

  it('learns the echo path: the first second cancels < 10 dB, 8–12 s at least 15 dB more (16 kHz, 20 ms)', () => {
    const { out } = cancel(room16k, { frameSamples: 320, residualEchoSuppression: false });
    const first = erleDb(room16k, out, 0, 1);
    expect(first).toBeLessThan(10);
    expect(erleDb(room16k, out, 8, 12)).toBeGreaterThanOrEqual(first + 15);
  });

  it('works at 8 kHz (≥ 25 dB filter alone, 4–12 s)', () => {
    const s = makeEchoScenario({ rate: 8000, seconds: 12, seed: 2 });
    expect(erleDb(s, cancel(s, { frameSamples: 160, residualEchoSuppression: false }).out, 4)).toBeGreaterThanOrEqual(25);
  });

  it('works at 44.1 kHz with 20 ms frames of 882 samples (kiss_fft radix 7; ≥ 15 dB filter alone over 10–16 s)', () => {
    const s = makeEchoScenario({ rate: 44100, seconds: 16, seed: 1 });
    expect(erleDb(s, cancel(s, { frameSamples: 882, residualEchoSuppression: false }).out, 10)).toBeGreaterThanOrEqual(15);
  });

  it('works at 48 kHz but converges about three times slower (≥ 18 dB filter alone over 10–16 s)', () => {
    // 200 ms is 9600 taps at 48 kHz: the adaptive filter needs ~10 s where 16 kHz needs ~3 s.
    const s = makeEchoScenario({ rate: 48000, seconds: 16, seed: 1 });
    const { out } = cancel(s, { frameSamples: 960, residualEchoSuppression: false });
    expect(erleDb(s, out, 10)).toBeGreaterThanOrEqual(18);
  });
});

describe('speexdsp echo canceller: double talk', () => {
  const talk = { from: 6, to: 10, levelDbfs: -26 };
  const s = makeEchoScenario({ rate: 16000, seconds: 14, seed: 2, nearTalk: talk });
  const [a, b] = [talk.from * s.rate, talk.to * s.rate];

  it('keeps a near-end talker during far-end echo (output ≥ 0.98 correlated with the talker, level within 1 dB) and does not diverge (≥ 25 dB ERLE after)', () => {
    const { out } = cancel(s, { frameSamples: 320, residualEchoSuppression: false });
    // The microphone itself correlates only ~0.23 with the talker (the echo is louder).
    expect(correlation(s.mic, s.near, a, b)).toBeLessThan(0.5);
    expect(correlation(out, s.near, a, b)).toBeGreaterThanOrEqual(0.98);
    expect(Math.abs(levelRatioDb(out, s.near, a, b))).toBeLessThanOrEqual(1);
    expect(erleDb(s, out, 10.5)).toBeGreaterThanOrEqual(25);
  });

  it('with residual-echo suppression the talker survives one frame later (≥ 0.9 correlated, at most 4 dB quieter): the preprocessor adds one frame of delay', () => {
    const frameSamples = 320;
    const { out } = cancel(s, { frameSamples });
    const delayed = out.subarray(frameSamples);
    expect(correlation(out, s.near, a, b)).toBeLessThan(0.1); // not aligned without the frame of delay
    expect(correlation(delayed, s.near, a, b)).toBeGreaterThanOrEqual(0.9);
    expect(levelRatioDb(delayed, s.near, a, b)).toBeGreaterThanOrEqual(-4);
  });
});

describe('speexdsp echo canceller: near end alone', () => {
  // No far-end audio at all: a near-end talker from 4 s over a -50 dBFS noise floor.
  const s = makeEchoScenario({ rate: 16000, seconds: 8, seed: 3, noiseDbfs: -50, silentFarEnd: true, nearTalk: { from: 4, to: 8, levelDbfs: -20 } });
  const run = (options: Omit<EchoCancellerOptions, 'sampleRate' | 'frameSamples'>): Int16Array => {
    const aec = make({ sampleRate: 16000, frameSamples: 320, ...options });
    const out = runCanceller(aec, s.far, s.mic);
    aec.dispose();
    return out;
  };
  const changeDb = (out: Int16Array, from: number, to: number): number => 20 * Math.log10(rms(out, from * s.rate, to * s.rate) / rms(s.mic, from * s.rate, to * s.rate));

  it('leaves background noise alone by default (within 1 dB) and removes ≥ 10 dB of it with noiseSuppression once it has learned it (2–4 s)', () => {
    // Measured: -0.1 dB by default; -14.5 dB with noise suppression (-12 dB already in 1–2 s).
    expect(Math.abs(changeDb(run({}), 1, 4))).toBeLessThanOrEqual(1);
    expect(changeDb(run({ noiseSuppression: true }), 2, 4)).toBeLessThanOrEqual(-10);
  });

  it('passes a near-end talker through when the far end is silent (≥ 0.99 correlated, level within 0.5 dB; one frame later with the preprocessor)', () => {
    const [a, b] = [4 * s.rate, 7.9 * s.rate];
    const filterOnly = run({ residualEchoSuppression: false });
    const preprocessed = run({ noiseSuppression: true }).subarray(320);
    for (const out of [filterOnly, preprocessed]) {
      expect(correlation(out, s.mic, a, b)).toBeGreaterThanOrEqual(0.99);
      expect(Math.abs(levelRatioDb(out, s.mic, a, b))).toBeLessThanOrEqual(0.5);
    }
  });
});

describe('speexdsp echo canceller: call order and the delay window', () => {
  it.each(['playback-first', 'bursts-of-2'] as const)('converges the same with %s calls (≥ 25 dB), without far-end under- or overruns', (order) => {
    const { out, stats } = cancel(room16k, { frameSamples: 320, residualEchoSuppression: false }, order);
    expect(erleDb(room16k, out, 4)).toBeGreaterThanOrEqual(25);
    expect(stats).toMatchObject({ farEndUnderruns: 0, farEndOverruns: 0 });
  });

  describe('with the call pattern of sound-card streams (4 frames pulled ahead at start, playback in bursts of 3, capture in bursts of 2)', () => {
    // Output buffering is the 4 frames pulled ahead; the scenario adds a 5 ms room delay.
    const s = makeEchoScenario({ rate: 16000, seconds: 12, seed: 1, path: { ...DEFAULT_ECHO_PATH, deviceLatencyMs: 0, roomDelayMs: 5 } });
    const device = { prePull: 4, playbackBurst: 3, captureBurst: 2 };
    const run = (schedule: string): { out: Int16Array; stats: ReturnType<EchoCanceller['stats']> } => {
      const aec = make({ sampleRate: 16000, frameSamples: 320, residualEchoSuppression: false });
      const out = runSchedule(aec, s.far, s.mic, schedule);
      const stats = aec.stats();
      aec.dispose();
      return { out, stats };
    };

    it('aligns once in the first second and converges (≥ 25 dB); underruns only at the start and at the end of the far end', () => {
      const { out, stats } = run(deviceLikeSchedule(600, device));
      // Measured: 30.4 dB (4–12 s), 9 underruns, 1 realignment.
      expect(erleDb(s, out, 4)).toBeGreaterThanOrEqual(25);
      expect(stats).toMatchObject({ realignments: 1, farEndOverruns: 0 });
      expect(stats.farEndUnderruns).toBeLessThanOrEqual(12);
    });

    it('rides out a playback stall of 4 frames at 6 s without moving the pairing (no re-convergence: ≥ 25 dB over 8–12 s)', () => {
      const { out, stats } = run(deviceLikeSchedule(600, { ...device, stall: { atFrame: 300, frames: 4 } }));
      expect(stats.realignments).toBe(1);
      expect(erleDb(s, out, 8, 12)).toBeGreaterThanOrEqual(25);
    });

    it('cannot cancel it when nothing is pulled ahead (the echo then comes 5 ms after playback(), sooner than the pairing allows)', () => {
      expect(erleDb(s, run(deviceLikeSchedule(600, { prePull: 0, playbackBurst: 1, captureBurst: 1 })).out, 4)).toBeLessThan(3);
    });
  });

  it('cannot cancel echo that reaches capture() sooner than playbackDelayFrames frames after playback(); playbackDelayFrames 0 can', () => {
    const early = makeEchoScenario({ rate: 16000, seconds: 12, seed: 1, path: { ...DEFAULT_ECHO_PATH, deviceLatencyMs: 0, roomDelayMs: 5 } });
    const byDefault = cancel(early, { frameSamples: 320, residualEchoSuppression: false }, 'playback-first');
    const noDelay = cancel(early, { frameSamples: 320, residualEchoSuppression: false, playbackDelayFrames: 0 }, 'playback-first');
    expect(erleDb(early, byDefault.out, 4)).toBeLessThan(3);
    expect(erleDb(early, noDelay.out, 4)).toBeGreaterThanOrEqual(25);
  });

  it('cannot cancel echo later than delay + tail (300 ms); playbackDelayFrames 12 (pairing 13 frames = 260 ms back) brings it into reach', () => {
    const late = makeEchoScenario({ rate: 16000, seconds: 12, seed: 1, path: { ...DEFAULT_ECHO_PATH, deviceLatencyMs: 250, roomDelayMs: 50 } });
    expect(erleDb(late, cancel(late, { frameSamples: 320, residualEchoSuppression: false }).out, 4)).toBeLessThan(3);
    expect(erleDb(late, cancel(late, { frameSamples: 320, residualEchoSuppression: false, playbackDelayFrames: 12 }).out, 4)).toBeGreaterThanOrEqual(25);
  });

  it('counts captures without a far-end frame (underruns) and far-end frames beyond the buffer (overruns)', () => {
    const aec = make({ sampleRate: 16000, frameSamples: 160 });
    const frame = new Int16Array(160);
    aec.capture(frame, frame); // pairs with the frame two playbacks back: silence (none yet)
    aec.capture(frame, frame); // the frame one back: silence
    aec.capture(frame, frame); // the first far-end frame, which has not come: underrun
    expect(aec.stats()).toMatchObject({ frames: 3, farEndUnderruns: 1, farEndOverruns: 0 });
    for (let i = 0; i < 49; i++) aec.playback(frame); // the ring holds 50 frames
    expect(aec.stats().farEndOverruns).toBe(0);
    for (let i = 0; i < 5; i++) aec.playback(frame);
    expect(aec.stats().farEndOverruns).toBeGreaterThan(0);
    aec.dispose();
  });

  it('gives the same output whether out is the near array itself or another one', () => {
    const a1 = make({ sampleRate: 16000, frameSamples: 320 });
    const a2 = make({ sampleRate: 16000, frameSamples: 320 });
    const separate = runCanceller(a1, room16k.far, room16k.mic);
    const inPlace = room16k.mic.slice(0, separate.length);
    for (let k = 0; k < inPlace.length / 320; k++) {
      const frame = inPlace.subarray(k * 320, (k + 1) * 320);
      a2.capture(frame, frame);
      a2.playback(room16k.far.subarray(k * 320, (k + 1) * 320));
    }
    a1.dispose();
    a2.dispose();
    expect(Buffer.from(inPlace.buffer).equals(Buffer.from(separate.buffer))).toBe(true);
  });

  it('reset() forgets the learned echo path (ERLE right after is low again) and re-converges', () => {
    const aec = make({ sampleRate: 16000, frameSamples: 320, residualEchoSuppression: false });
    const half = 6 * 16000;
    const first = runCanceller(aec, room16k.far.subarray(0, half), room16k.mic.subarray(0, half));
    aec.reset();
    const second = runCanceller(aec, room16k.far.subarray(half), room16k.mic.subarray(half));
    aec.dispose();
    const out = new Int16Array(first.length + second.length);
    out.set(first);
    out.set(second, first.length);
    expect(erleDb(room16k, out, 4, 6)).toBeGreaterThanOrEqual(20);
    expect(erleDb(room16k, out, 6, 7)).toBeLessThan(erleDb(room16k, out, 4, 6) - 10);
  });
});

describe('speexdsp echo canceller: configuration', () => {
  it.each<[string, Partial<EchoCancellerOptions>]>([
    ['a rate speex is not set up for (22.05 kHz)', { sampleRate: 22050, frameSamples: 441 }],
    ['a frame shorter than 10 ms', { frameSamples: 80 }],
    ['a frame longer than 20 ms', { frameSamples: 480 }],
    ['a frame size with a prime factor above 7 (12.375 ms = 198 samples = 2·3²·11)', { frameSamples: 198 }],
    ['a fractional frame size', { frameSamples: 200.5 }],
    ['a tail shorter than one frame', { tailMs: 5 }],
    ['a tail over one second', { tailMs: 1500 }],
    ['a NaN tail', { tailMs: Number.NaN }],
    ['a negative playback delay', { playbackDelayFrames: -1 }],
    ['a fractional playback delay', { playbackDelayFrames: 1.5 }],
    ['a playback delay above 32 frames', { playbackDelayFrames: 33 }],
  ])('refuses %s with aec-bad-config', (_name, over) => {
    const r = factory({ sampleRate: 16000, frameSamples: 320, ...over });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('aec-bad-config');
  });

  it.each([
    [8000, 80], [8000, 160], [16000, 160], [16000, 320], [16000, 256], [16000, 224], [32000, 320], [32000, 640], [44100, 441], [44100, 882], [48000, 480], [48000, 960],
  ])('accepts %i Hz with %i-sample frames', (sampleRate, frameSamples) => {
    const r = factory({ sampleRate, frameSamples });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value).toMatchObject({ sampleRate, frameSamples });
      r.value.dispose();
    }
  });

  it('reports aec-unavailable with the cause when the addon cannot be loaded, and tries again on the next call', () => {
    let attempts = 0;
    const f = speexEchoCancellerFactory(() => {
      attempts++;
      throw new Error('Cannot find module build/Release/speexdsp_aec.node');
    });
    const r = f({ sampleRate: 16000, frameSamples: 320 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('aec-unavailable');
      expect(r.error.message).toContain('@softphone/speexdsp-aec');
      expect(String(r.error.detail?.['cause'])).toContain('speexdsp_aec.node');
    }
    f({ sampleRate: 16000, frameSamples: 320 });
    expect(attempts).toBe(2);
  });

  it('checks the configuration before loading the addon', () => {
    let attempts = 0;
    const f = speexEchoCancellerFactory(() => {
      attempts++;
      return loadSpeexAecAddon();
    });
    expect(f({ sampleRate: 22050, frameSamples: 441 }).ok).toBe(false);
    expect(attempts).toBe(0);
  });

  it('maps an addon refusal (RangeError) to aec-bad-config and any other failure to aec-unavailable', () => {
    const refusing = (e: Error): SpeexAecBinding => ({
      create: () => {
        throw e;
      },
    });
    const bad = speexEchoCancellerFactory(() => refusing(new RangeError('no')))({ sampleRate: 16000, frameSamples: 320 });
    const oom = speexEchoCancellerFactory(() => refusing(new Error('out of memory')))({ sampleRate: 16000, frameSamples: 320 });
    expect(!bad.ok && bad.error.code).toBe('aec-bad-config');
    expect(!oom.ok && oom.error.code).toBe('aec-unavailable');
  });

  it('passes the filter length (tail × rate) and the options to the addon', () => {
    const seen: unknown[] = [];
    const real = loadSpeexAecAddon();
    const f = speexEchoCancellerFactory(() => ({
      create: (...args) => {
        seen.push(args);
        return real.create(...args);
      },
    }));
    const r = f({ sampleRate: 48000, frameSamples: 480, tailMs: 128, noiseSuppression: true });
    if (r.ok) r.value.dispose();
    expect(seen).toEqual([[48000, 480, 6144, { residualEchoSuppression: true, noiseSuppression: true, delayFrames: 1 }]]);
  });
});

describe('speexdsp echo canceller: misuse never crashes', () => {
  it('throws typed errors for frames of the wrong length or type', () => {
    const aec = make({ sampleRate: 16000, frameSamples: 320 });
    const ok = new Int16Array(320);
    expect(() => aec.playback(new Int16Array(319))).toThrow(RangeError);
    expect(() => aec.capture(new Int16Array(321), ok)).toThrow(/near must hold exactly 320 samples/);
    expect(() => aec.capture(ok, new Int16Array(0))).toThrow(/out must hold exactly 320 samples/);
    expect(() => aec.capture(new Float32Array(320) as unknown as Int16Array, ok)).toThrow(TypeError);
    expect(() => aec.playback(new Uint16Array(320) as unknown as Int16Array)).toThrow(TypeError);
    expect(() => aec.playback(null as unknown as Int16Array)).toThrow(TypeError);
    // Still usable afterwards.
    aec.capture(ok, ok);
    expect(aec.stats().frames).toBe(1);
    aec.dispose();
  });

  it('is inert after dispose(): playback ignored, capture copies the microphone through, stats frozen, dispose idempotent', () => {
    const aec = make({ sampleRate: 16000, frameSamples: 160 });
    const near = Int16Array.from({ length: 160 }, (_, i) => i * 7);
    const out = new Int16Array(160);
    aec.capture(near, out);
    aec.playback(near);
    aec.dispose();
    aec.dispose();
    aec.playback(near);
    aec.capture(near, out);
    aec.reset();
    expect(out).toEqual(near);
    expect(aec.stats()).toMatchObject({ frames: 1, playbackFrames: 1 });
  });

  it('the addon itself checks every argument and refuses use after destroy() with ERR_AEC_DESTROYED', () => {
    type Loose = (...args: unknown[]) => unknown;
    const create = loadSpeexAecAddon().create as unknown as Loose;
    const codeOf = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (e) {
        return `${(e as Error).name}:${String((e as { code?: unknown }).code)}`;
      }
      return undefined;
    };
    expect(codeOf(() => create())).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => create('16000', 160, 3200))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => create(16000, 160.5, 3200))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => create(16000, 161, 3200))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => create(16000, 198, 3200))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => create(4000, 160, 3200))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => create(16000, 160, 100))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => create(16000, 160, 16001))).toBe('RangeError:ERR_OUT_OF_RANGE');
    expect(codeOf(() => create(16000, 160, 3200, 'yes'))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => create(16000, 160, 3200, { noiseSuppression: 1 }))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => create(16000, 160, 3200, { delayFrames: 40 }))).toBe('RangeError:ERR_OUT_OF_RANGE');
    const throwing = { get residualEchoSuppression(): boolean { throw new Error('getter'); } };
    expect(codeOf(() => create(16000, 160, 3200, throwing))).toBe('Error:undefined');

    const native = create(16000, 160, 3200) as { capture: Loose; playback: Loose; reset: Loose; stats: Loose; destroy: Loose };
    const f = new Int16Array(160);
    expect(codeOf(() => native.capture(f))).toBe('TypeError:ERR_INVALID_ARG_TYPE');
    expect(codeOf(() => native.capture.call({}, f, f))).toMatch(/^TypeError/);
    native.destroy();
    native.destroy();
    for (const call of [() => native.capture(f, f), () => native.playback(f), () => native.reset(), () => native.stats()]) {
      expect(codeOf(call)).toBe('Error:ERR_AEC_DESTROYED');
    }
  });

  it('survives many cancellers created and dropped without dispose() (the finalizer frees them)', () => {
    for (let i = 0; i < 200; i++) {
      const r = factory({ sampleRate: 48000, frameSamples: 960 });
      expect(r.ok).toBe(true);
    }
  });
});
