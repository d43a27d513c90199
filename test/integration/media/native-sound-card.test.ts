/**
 * The native media path with sound cards (native/media-path, issue 16), on a real clocked audio
 * path without a sound card: a private PulseAudio daemon with a null sink, ALSA `pulse` PCMs for
 * its input (the speaker) and its monitor (the microphone), so whatever the native leg plays comes
 * straight back into its microphone - an acoustic loop with real device buffers and clocks. The
 * peer is our TypeScript CallMedia with file audio (the reference implementation): it sends a
 * speech-like signal, the native leg plays it through PortAudio and captures it again, and what
 * the TypeScript leg records is its own signal come back.
 *  - echo cancellation off: the loop is heard (correlated with the source, about its level);
 *  - echo cancellation on: the same loop is cancelled (speexdsp's canceller on the media thread).
 *
 * PortAudio reads the ALSA configuration when it initialises, once per process; vitest runs each
 * test file in its own process (pool: forks), and this file points HOME at its .asoundrc first.
 * Needs pulseaudio and libasound2-plugins (requirePeers: a loud skip where missing, a failure
 * under CI=true) and what the native path needs to build (mediaPathProblem).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NativeCallMedia, nativeCallMediaFactory } from '../../../src-main/media/native/native-call-media.js';
import { nativeMediaPath } from '../../../src-main/platform/audio/native-media-path.js';
import { NativeMediaLeg } from '../../../src-main/media/native/native-media-leg.js';
import type { MediaEvent } from '../../../src-main/media/call-media.js';
import { loadMediaPath, mediaPathProblem, type MediaPathStats } from '@softphone/media-path';
import { CryptoRng } from '../../../src-main/base/rng.js';
import { requirePeers } from '../../interop/harness/peers.js';
import { encodeWav, readWav } from '../../interop/harness/audio/wav.js';
import { correlation, rms, speechLike } from '../../support/echo-simulation.js';
import { LOOP_MICROPHONE, LOOP_SPEAKER, PulseLoop } from '../../support/pulse-loop.js';
import { AudioScratch, analyseRecording, createLeg, createTestEngine, expectTone, sleep } from './support/media-call-pair.js';

const DEVICE_RATE = 48000;
const SECONDS = 10;
/** PulseAudio's streams take about 2 s to flow (the probe in the issue 16 note): measure after that. */
const FROM_S = 5;
const peers = requirePeers(['pulseaudio']);
const problem = mediaPathProblem();
const ci = process.env.CI === 'true';
if (problem !== undefined) {
  if (ci) throw new Error(`CI=true: native media path: ${problem}`);
  process.stderr.write(`\n*** native sound-card tests SKIPPED: ${problem} ***\n\n`);
}
// Skips only where a Debian peer is missing (requirePeers prints why) or the addon cannot be built; never under CI=true.
const suite = peers.available && problem === undefined ? describe : describe.skip;

let loop: PulseLoop | undefined;
const scratch = new AudioScratch();
const rng = new CryptoRng();
let calls = 0;

beforeAll(async () => {
  if (!peers.available || problem !== undefined) return;
  loop = await PulseLoop.start(DEVICE_RATE);
  loop.adoptInThisProcess(); // this process's PortAudio (first initialised in the addon) reads the loop's configuration
}, 30_000);

afterAll(async () => {
  await loop?.stop();
  scratch.dispose();
});

interface Loop {
  /** What the TypeScript leg sent (8 kHz) and what came back to it. */
  readonly source: Float64Array;
  readonly heard: Float32Array;
  readonly stats: MediaPathStats;
}

/**
 * A call between a native leg on the loop's devices and a TypeScript leg with file audio.
 * `during` runs halfway through the call (device switches).
 */
async function loopCall(echoCancellation: boolean, audio: Partial<NonNullable<ConstructorParameters<typeof NativeMediaLeg>[0]['audio']>> = {}, during?: (leg: NativeMediaLeg) => void): Promise<Loop> {
  const engine = createTestEngine();
  const source = speechLike(8000, SECONDS, 3, -20).signal.map((v) => v / 32768); // int16 scale → [-1, 1]
  const playFile = join(loop!.home, `far-${echoCancellation}.wav`);
  const recordFile = join(loop!.home, `heard-${echoCancellation}.wav`);
  writeFileSync(playFile, encodeWav(Float32Array.from(source), 8000));
  const suiteName = 'AES_CM_128_HMAC_SHA1_80';
  const native = new NativeMediaLeg({
    addon: loadMediaPath(),
    address: '127.0.0.1',
    codec: 'PCMU',
    suite: suiteName,
    rng,
    audio: { capture: LOOP_MICROPHONE, playback: LOOP_SPEAKER, rate: DEVICE_RATE, echoCancellation, ...audio },
  });
  const ts = await createLeg(engine, { callId: `ts-loop-${echoCancellation}-${++calls}`, codecs: ['PCMU'], srtpSuites: [suiteName], audio: { playFile, recordFile } });
  let stats: MediaPathStats;
  try {
    const offer = native.createOffer();
    const answer = ts.media.answerOffer(offer);
    if (!answer.ok) throw new Error(answer.error.message);
    native.applyAnswer(answer.value.sdp);
    await sleep((SECONDS * 1000) / 2);
    during?.(native);
    await sleep((SECONDS * 1000) / 2);
    stats = native.stats()!;
  } finally {
    native.close();
    ts.media.dispose();
  }
  await sleep(100);
  const heard = readWav(recordFile);
  return { source, heard: heard.channelData[0]!, stats };
}

/** The best correlation of heard[i] with source[i - lag] over lags of 0-600 ms, for i over seconds from-to. */
function bestLag(source: Float64Array, heard: Float32Array, fromS: number, toS: number): { lag: number; c: number } {
  let best = { lag: 0, c: -1 };
  const from = fromS * 8000;
  const to = Math.min(toS * 8000, heard.length);
  for (let lag = 0; lag <= 4800; lag += 2) {
    const shifted = source.subarray(0, Math.max(0, to - lag));
    const c = correlation(heard.subarray(lag, to), shifted, from - lag, to - lag);
    if (c > best.c) best = { lag, c };
  }
  return best;
}

suite('the native media path on sound cards (PortAudio → ALSA pulse → PulseAudio null sink → its monitor)', () => {
  let off: Loop | undefined;

  it('without echo cancellation the TypeScript leg hears its own speech come back through the native leg\'s speaker and microphone: correlated with what it sent, at about its level, with real device buffers and no JS in the media path', async () => {
    off = await loopCall(false);
    const s = off.stats;
    expect(s.audio, 'sound cards in use').toBe(1);
    expect(s.deviceRate).toBe(DEVICE_RATE);
    expect(s.echoCancellation).toBe(0);
    // One wake-up per 20 ms, as with file audio: the device callbacks are PortAudio's own threads.
    expect(Math.abs(s.wakeups - s.packetsSent), 'one wake-up a frame').toBeLessThanOrEqual(1);
    expect(s.microphoneLevelDb!, 'the microphone hears the loop').toBeGreaterThan(-45);
    expect(s.speakerLevelDb!, 'the speaker plays the peer').toBeGreaterThan(-45);
    expect(s.captureOverflow, 'nothing refused by the microphone ring').toBe(0);
    expect(s.captureUnderruns!, 'microphone periods short of 20 ms (device start-up at most)').toBeLessThan(25);
    const { lag, c } = bestLag(off.source, off.heard, FROM_S, SECONDS - 1);
    expect(c, `what came back is the source (best lag ${(lag / 8).toFixed(1)} ms)`).toBeGreaterThan(0.8);
    const level = 20 * Math.log10(rms(off.heard, FROM_S * 8000, (SECONDS - 1) * 8000) / rms(off.source, FROM_S * 8000, (SECONDS - 1) * 8000));
    expect(Math.abs(level), `loop gain ${level.toFixed(1)} dB (G.711 twice, two resamplings, unit gains)`).toBeLessThan(3);
    process.stdout.write(`native sound-card loop: round trip ${(lag / 8).toFixed(1)} ms (network both ways, jitter queue, device buffers), correlation ${c.toFixed(3)}, gain ${level.toFixed(1)} dB, capture underruns ${s.captureUnderruns}, playback underrun samples ${s.playbackUnderrunSamples}\n`);
  }, 30_000);

  it('with echo cancellation on, the same loop is cancelled: the TypeScript leg hears at least 15 dB less of its own speech once the canceller has converged', async () => {
    const on = await loopCall(true);
    expect(on.stats.echoCancellation).toBe(1);
    expect(off, 'the loop without cancellation ran first').toBeDefined();
    const from = (FROM_S + 1) * 8000; // a second for the canceller to converge once the streams flow
    const to = (SECONDS - 1) * 8000;
    const erle = 20 * Math.log10(rms(off!.heard, from, to) / Math.max(1e-9, rms(on.heard, from, to)));
    const bySecond = Array.from({ length: SECONDS - 1 }, (_, i) => +(20 * Math.log10(rms(off!.heard, i * 8000, (i + 1) * 8000) / Math.max(1e-9, rms(on.heard, i * 8000, (i + 1) * 8000)))).toFixed(1));
    const st = on.stats;
    process.stdout.write(`ERLE by second ${JSON.stringify(bySecond)}; capture underruns ${st.captureUnderruns} dropped ${st.captureDropped}, playback underrun samples ${st.playbackUnderrunSamples} dropped ${st.playbackDropped}, queued ${st.captureQueuedMs}/${st.playbackQueuedMs} ms, late wake-ups ${st.lateWakeups}\n`);
    expect(erle, `echo return loss enhancement ${erle.toFixed(1)} dB`).toBeGreaterThan(15);
    process.stdout.write(`native sound-card loop with echo cancellation: ERLE ${erle.toFixed(1)} dB over ${FROM_S + 1}-${SECONDS - 1} s\n`);
  }, 30_000);

  it('behind the CallMedia port with the phone\'s device selection (TypeScript port ids, hostApi:name): the devices event names the loop\'s devices, levels come every 100 ms, the speaker volume acts, and an unknown device is an error event while the call goes on', async () => {
    const engine = createTestEngine();
    const factory = nativeCallMediaFactory(engine, { path: nativeMediaPath(loadMediaPath()), rng, devices: () => ({ captureDeviceId: `ALSA:${LOOP_MICROPHONE}`, playbackDeviceId: `ALSA:${LOOP_SPEAKER}`, sampleRate: DEVICE_RATE, echoCancellation: false }) });
    const made = await factory.create({ callId: 'port', codecs: ['PCMU'], srtp: 'mandatory', signalling: 'tls', allowInsecureSdes: false, localAddress: '127.0.0.1' });
    if (!made.ok) throw new Error(made.error.message);
    const native = made.value;
    expect(native, 'a G.711 call on sound cards is taken by the native path').toBeInstanceOf(NativeCallMedia);
    const events: MediaEvent[] = [];
    native.onEvent((e) => events.push(e));
    const playFile = join(loop!.home, 'port-far.wav');
    writeFileSync(playFile, encodeWav(Float32Array.from(speechLike(8000, SECONDS, 9, -20).signal, (v) => v / 32768), 8000));
    const ts = await createLeg(engine, { callId: 'ts-port', codecs: ['PCMU'], audio: { playFile } });
    const speakerOver = async (ms: number): Promise<number> => {
      const from = events.length;
      await sleep(ms);
      const v = events.slice(from).flatMap((e) => (e.kind === 'levels' && Number.isFinite(e.levels.outputRmsDbfs) ? [10 ** (e.levels.outputRmsDbfs / 10)] : []));
      return 10 * Math.log10(v.reduce((a, b) => a + b, 0) / Math.max(1, v.length));
    };
    try {
      const offer = ts.media.createOffer();
      if (!offer.ok) throw new Error(offer.error.message);
      const answer = native.answerOffer(offer.value);
      if (!answer.ok) throw new Error(answer.error.message);
      if (!ts.media.applyAnswer(answer.value.sdp).ok) throw new Error('answer');
      const devices = events.find((e) => e.kind === 'audio-devices');
      expect(devices?.kind === 'audio-devices' ? devices.devices : undefined).toMatchObject({ capture: LOOP_MICROPHONE, playback: LOOP_SPEAKER, wantedCapture: `ALSA:${LOOP_MICROPHONE}`, echoCancellation: false });
      await sleep(3000);
      const atUnity = await speakerOver(1500);
      native.setVolume({ outputGainDb: -20 });
      await sleep(200);
      const quieter = await speakerOver(1500);
      expect(atUnity, 'the speaker plays the peer').toBeGreaterThan(-40);
      expect(atUnity - quieter, 'the speaker volume at -20 dB').toBeGreaterThan(15);
      expect(events.filter((e) => e.kind === 'levels').length, 'levels about every 100 ms').toBeGreaterThan(30);
      await native.setAudioDevices({ captureDeviceId: 'ALSA:no such device' });
      const error = events.find((e) => e.kind === 'error');
      expect(error?.kind === 'error' ? error : undefined, 'an unknown device').toMatchObject({ source: 'microphone', cause: 'audio-open-failed' });
      const sentBefore = (native as NativeCallMedia).nativeStats()!.packetsSent;
      await sleep(500);
      expect((native as NativeCallMedia).nativeStats()!.packetsSent - sentBefore, 'the call goes on').toBeGreaterThan(15);
    } finally {
      native.dispose();
      ts.media.dispose();
    }
  }, 30_000);

  it('Opus on sound cards (16 kHz on the native side: 48 kHz devices resampled, the echo canceller at 16 kHz): the TypeScript peer hears its own tone come back through the loop', async () => {
    const engine = createTestEngine();
    const playFile = scratch.tone(700, 48000, SECONDS);
    const recordFile = join(loop!.home, 'opus-heard.wav');
    const native = new NativeMediaLeg({ addon: loadMediaPath(), address: '127.0.0.1', codec: 'opus', suite: 'AES_CM_128_HMAC_SHA1_80', rng, audio: { capture: LOOP_MICROPHONE, playback: LOOP_SPEAKER, rate: DEVICE_RATE, echoCancellation: false } });
    const ts = await createLeg(engine, { callId: 'ts-opus-loop', codecs: ['opus'], srtpSuites: ['AES_CM_128_HMAC_SHA1_80'], audio: { playFile, recordFile } });
    let stats: MediaPathStats;
    try {
      const answer = ts.media.answerOffer(native.createOffer());
      if (!answer.ok) throw new Error(answer.error.message);
      expect(native.applyAnswer(answer.value.sdp).media[0]!.sendCodec?.encodingName).toBe('opus');
      await sleep(SECONDS * 1000);
      stats = native.stats()!;
    } finally {
      native.close();
      ts.media.dispose();
    }
    await sleep(100);
    expect(stats.pcmRate).toBe(16000);
    expect(stats.authFailures + stats.notRtp, 'every Opus packet authenticated and parsed').toBe(0);
    expectTone(analyseRecording(recordFile, FROM_S), 700, 'the peer hears its tone back through the native Opus leg on sound cards');
  }, 30_000);

  it('switches devices mid-call: without a microphone the peer hears nothing come back; once the microphone is opened halfway through, the loop is heard; a device that does not exist is a typed error and the call goes on', async () => {
    let refused: unknown;
    const r = await loopCall(false, { noCapture: true }, (leg) => {
      try {
        leg.setDevices({ capture: 'no such microphone', playback: LOOP_SPEAKER });
      } catch (e) {
        refused = e;
      }
      leg.setDevices({ capture: LOOP_MICROPHONE, playback: LOOP_SPEAKER });
    });
    expect((refused as { code?: string } | undefined)?.code, 'an unknown device').toBe('MEDIA_PATH_AUDIO');
    expect(String(refused)).toMatch(/no capture device named no such microphone/);
    // The switch is at SECONDS / 2; the new streams flow about 2 s later.
    const before = rms(r.heard, 3 * 8000, (SECONDS / 2) * 8000);
    const after = rms(r.heard, (SECONDS / 2 + 2.5) * 8000, (SECONDS - 0.5) * 8000);
    expect(20 * Math.log10(before + 1e-9), 'dBFS heard back before the microphone was opened (the speaker playing)').toBeLessThan(-60);
    expect(20 * Math.log10(after / rms(r.source, (SECONDS / 2 + 2.5) * 8000, (SECONDS - 0.5) * 8000)), 'the loop after the switch, dB against the source').toBeGreaterThan(-3);
    expect(r.stats.speakerLevelDb!, 'the speaker played throughout').toBeGreaterThan(-45);
    expect(r.stats.packetsSent, 'the call went on throughout').toBeGreaterThan(SECONDS * 50 - 10);
  }, 30_000);
});
