/**
 * Assertions shared by the interop media tests: "the far end's tone is what we hear, at a sane
 * level, without gaps", and "the SDP on the wire (Kamailio's log) is what we claim".
 */
import { existsSync } from 'node:fs';
import { expect } from 'vitest';
import { analyseTone, type ToneAnalysis } from '../../harness/audio/tone-analysis.js';
import { readWav } from '../../harness/audio/wav.js';
import { isLoopbackAddress, sdpAddresses, type SipLogEntry } from '../../harness/sip-log.js';

export interface RecordingFigures extends ToneAnalysis {
  readonly sampleRate: number;
  readonly durationSeconds: number;
  /** Share of 20 ms frames (after trimming) quieter than -40 dBFS: gaps in what should be a steady tone. */
  readonly silentFrameShare: number;
}

const TRIM_SECONDS = 0.5;

export function measureRecording(path: string): RecordingFigures {
  const wav = readWav(path);
  const tone = analyseTone(wav, { trimSeconds: TRIM_SECONDS });
  const samples = wav.channelData[0] ?? new Float32Array(0);
  const frame = Math.round(wav.sampleRate * 0.02);
  const trim = Math.floor(TRIM_SECONDS * wav.sampleRate);
  let frames = 0;
  let silent = 0;
  for (let i = trim; i + frame <= samples.length - trim; i += frame) {
    let sum = 0;
    for (let j = i; j < i + frame; j++) sum += samples[j]! * samples[j]!;
    const db = 10 * Math.log10(sum / frame + 1e-20);
    frames++;
    if (db < -40) silent++;
  }
  return { ...tone, sampleRate: wav.sampleRate, durationSeconds: wav.durationSeconds, silentFrameShare: frames === 0 ? 1 : silent / frames };
}

/**
 * The recording holds the far end's tone: dominant (≥ 90% of the energy within ±50 Hz of it, and
 * within 10 Hz of the frequency sent), at a sane level (the tones are made at 0.5 peak, about
 * -9 dBFS RMS; codecs and resampling keep that within a few dB), and continuous (at most 10% of
 * 20 ms frames silent), over at least `minSeconds`.
 */
export function expectFarEndTone(path: string | undefined, hz: number, label: string, minSeconds = 2.5): RecordingFigures {
  expect(path, `${label}: no recording`).toBeDefined();
  expect(existsSync(path!), `${label}: recording ${path} missing`).toBe(true);
  const f = measureRecording(path!);
  const figures = `${label}: ${JSON.stringify({ ...f, dominantHz: Math.round(f.dominantHz * 10) / 10 })}`;
  expect(f.durationSeconds, figures).toBeGreaterThanOrEqual(minSeconds);
  expect(f.rmsDbfs, `${figures} (level: silence or far too quiet)`).toBeGreaterThan(-15);
  expect(f.rmsDbfs, `${figures} (level: too loud / clipped)`).toBeLessThan(-4);
  expect(Math.abs(f.dominantHz - hz), `${figures} (dominant frequency should be ${hz} Hz)`).toBeLessThan(10);
  expect(f.dominantShare, `${figures} (share of energy in the tone)`).toBeGreaterThan(0.9);
  expect(f.silentFrameShare, `${figures} (gaps in the audio)`).toBeLessThanOrEqual(0.1);
  return f;
}

/** The INVITE that carried the offer and the 2xx that carried the answer, as Kamailio forwarded them. */
export function offerAndAnswer(sip: readonly SipLogEntry[]): { offer: SipLogEntry | undefined; answer: SipLogEntry | undefined } {
  const offer = sip.find((e) => e.direction === 'out' && e.message.method === 'INVITE' && e.message.body.includes('m=audio'));
  const answer = sip.find((e) => e.direction === 'out' && e.message.status === 200 && e.message.cseqMethod === 'INVITE' && e.message.body.includes('m=audio'));
  return { offer, answer };
}

/** Every SIP message of the call went over TLS, and every address in every SDP is loopback. */
export function expectTlsAndLoopbackSdp(sip: readonly SipLogEntry[], label: string): void {
  expect(sip.length, `${label}: no SIP of this call in Kamailio's log`).toBeGreaterThan(0);
  expect(sip.filter((e) => e.proto !== 'tls').map((e) => `${e.direction} ${e.proto} ${e.message.startLine}`), `${label}: SIP not over TLS`).toEqual([]);
  const addresses = sip.flatMap((e) => sdpAddresses(e.message.body));
  expect(addresses.length, `${label}: no SDP addresses`).toBeGreaterThan(0);
  expect(addresses.filter((a) => !isLoopbackAddress(a)), `${label}: SDP addresses off loopback`).toEqual([]);
}

/** `m=audio PORT PROFILE` and, for SRTP, exactly the suite on the a=crypto line(s). */
export function expectSdp(body: string | undefined, profile: 'RTP/SAVP' | 'RTP/AVP', label: string): void {
  expect(body, `${label}: no SDP`).toBeDefined();
  expect(body!, `${label}: profile`).toMatch(new RegExp(`^m=audio [1-9]\\d* ${profile.replace('/', '\\/')} `, 'm'));
}

export function cryptoSuites(body: string | undefined): string[] {
  return [...(body ?? '').matchAll(/^a=crypto:\d+ (\S+) inline:/gm)].map((m) => m[1]!);
}

/** The rtpmap encoding names of the first m=audio line's payload types, in order. */
export function audioCodecs(body: string | undefined): string[] {
  const text = body ?? '';
  const m = /^m=audio \d+ \S+ ([\d ]+)$/m.exec(text.replace(/\r/g, ''));
  if (m === null) return [];
  return m[1]!
    .trim()
    .split(/\s+/)
    .map((pt) => {
      const map = new RegExp(`^a=rtpmap:${pt} ([^/\\s]+)`, 'm').exec(text);
      return map?.[1] ?? { 0: 'PCMU', 8: 'PCMA', 9: 'G722' }[Number(pt)] ?? `pt${pt}`;
    });
}
