/**
 * Two of our CallMedia instances in one process on 127.0.0.1 with real UDP sockets, file audio
 * (a tone WAV as each microphone, each far end recorded) and the real clock: A offers, B answers,
 * the SDP goes across in-process. Helpers to generate tone WAVs in TypeScript, check that every
 * SDP address is loopback, and analyse the recordings with the interop harness's analyseTone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { SystemClock, type Clock } from '../../../../src-main/base/clock.js';
import { once } from '../../../../src-main/base/event.js';
import { CryptoRng } from '../../../../src-main/base/rng.js';
import { resampleAll } from '../../../../src-main/media/audio/resampler.js';
import type { CallCodecName, CallMediaOptions, MediaEvent, MediaState } from '../../../../src-main/media/call-media.js';
import { CallMediaEngine, fileAudioProvider, type CallMediaEngineOptions, type CallMediaSession, type RtpSocketFactory } from '../../../../src-main/media/call/index.js';
import { FileAudioPort } from '../../../../src-main/platform/audio/file-audio-port.js';
import { NullAudioPort } from '../../../../src-main/platform/audio/null-audio-port.js';
import { NodeRtpSocketFactory } from '../../../../src-main/platform/net/rtp-socket.js';
import type { Direction } from '../../../../src-main/protocol/sdp/index.js';
import { analyseTone, type ToneAnalysis } from '../../../interop/harness/audio/tone-analysis.js';
import { encodeWav, readWav } from '../../../interop/harness/audio/wav.js';

export const CODEC_RATES: Readonly<Record<CallCodecName, number>> = { PCMU: 8000, PCMA: 8000, G722: 16000, opus: 48000 };

/** A scratch directory with tone WAVs made in TypeScript (sine, -6 dBFS peak). */
export class AudioScratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'call-media-'));
  private n = 0;

  tone(frequency: number, sampleRate: number, seconds = 4, amplitude = 0.5): string {
    const samples = new Float32Array(Math.round(seconds * sampleRate));
    for (let i = 0; i < samples.length; i++) samples[i] = amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate);
    const path = join(this.dir, `tone-${frequency}-${sampleRate}-${this.n++}.wav`);
    writeFileSync(path, encodeWav(samples, sampleRate));
    return path;
  }

  file(name: string): string {
    return join(this.dir, `${this.n++}-${name}`);
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function createTestEngine(overrides: Partial<CallMediaEngineOptions> & { sockets?: RtpSocketFactory; clock?: Clock } = {}): CallMediaEngine {
  const clock = overrides.clock ?? new SystemClock();
  return new CallMediaEngine({
    clock,
    rng: new CryptoRng(),
    sockets: overrides.sockets ?? new NodeRtpSocketFactory(),
    audio: fileAudioProvider({
      file: (f) => new FileAudioPort({ clock, ...(f.playFile === undefined ? {} : { inputPath: f.playFile }), ...(f.recordFile === undefined ? {} : { outputPath: f.recordFile }), resample: (p, a, b) => resampleAll(p, a, b) }),
      none: () => new NullAudioPort(clock),
    }),
    rtcpIntervalMs: 1000,
    ...overrides,
  });
}

export const BASE_OPTIONS: Omit<CallMediaOptions, 'callId' | 'codecs'> = { srtp: 'mandatory', signalling: 'tls', allowInsecureSdes: false, localAddress: '127.0.0.1' };

export interface Leg {
  readonly media: CallMediaSession;
  readonly events: MediaEvent[];
  readonly recordFile: string | undefined;
}

export async function createLeg(engine: CallMediaEngine, options: Partial<CallMediaOptions> & Pick<CallMediaOptions, 'callId' | 'codecs'>): Promise<Leg> {
  const r = await engine.create({ ...BASE_OPTIONS, ...options });
  if (!r.ok) throw new Error(`create ${options.callId}: ${r.error.code} ${r.error.message}`);
  const media = r.value as CallMediaSession;
  const events: MediaEvent[] = [];
  media.onEvent((e) => events.push(e));
  return { media, events, recordFile: options.audio?.recordFile };
}

/** Every address in the SDP (o=, c=, a=rtcp) is loopback. */
export function expectLoopbackSdp(sdp: string): void {
  const addresses = [...sdp.matchAll(/^(?:o=.* IN IP[46] |c=IN IP[46] )(\S+)/gm)].map((m) => m[1]!);
  expect(addresses.length).toBeGreaterThan(0);
  for (const a of addresses) expect(a === '::1' || a.startsWith('127.'), `SDP address ${a} is not loopback`).toBe(true);
}

/** A offers (direction), B answers; returns both states. */
export function negotiate(a: Leg, b: Leg, direction?: Direction, answerDirection?: Direction): { offer: string; answer: string; a: MediaState; b: MediaState } {
  const offer = a.media.createOffer(direction);
  if (!offer.ok) throw new Error(`offer: ${offer.error.code} ${offer.error.message}`);
  expectLoopbackSdp(offer.value);
  const answer = b.media.answerOffer(offer.value, answerDirection);
  if (!answer.ok) throw new Error(`answer: ${answer.error.code} ${answer.error.message}`);
  expectLoopbackSdp(answer.value.sdp);
  const applied = a.media.applyAnswer(answer.value.sdp);
  if (!applied.ok) throw new Error(`applyAnswer: ${applied.error.code} ${applied.error.message}`);
  return { offer: offer.value, answer: answer.value.sdp, a: applied.value, b: answer.value.state };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls on real time until `predicate` holds. */
export async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function nextEvent<K extends MediaEvent['kind']>(leg: Leg, kind: K): Promise<Extract<MediaEvent, { kind: K }>> {
  return once(leg.media.onEvent, (e) => e.kind === kind) as Promise<Extract<MediaEvent, { kind: K }>>;
}

/** The recording's tone, skipping set-up (jitter-buffer fill) at the start. */
export function analyseRecording(path: string, trimSeconds = 0.6): ToneAnalysis {
  return analyseTone(readWav(path), { trimSeconds });
}

export function expectTone(t: ToneAnalysis, hz: number, what: string): void {
  expect(t.seconds, `${what}: recording too short`).toBeGreaterThan(0.4);
  expect(Math.abs(t.dominantHz - hz), `${what}: dominant ${t.dominantHz.toFixed(1)} Hz, want ${hz} Hz`).toBeLessThan(hz * 0.01 + 2);
  expect(t.dominantShare, `${what}: share of the tone`).toBeGreaterThan(0.8);
  // Sent at -9 dBFS RMS; codecs and concealment may cost a little, silence would be -Infinity.
  expect(t.rmsDbfs, `${what}: level`).toBeGreaterThan(-16);
  expect(t.rmsDbfs, `${what}: level`).toBeLessThan(-5);
}

/** UDP sockets alive in this process (leak checks). */
export function udpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}
