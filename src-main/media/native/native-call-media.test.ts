/**
 * What the TypeScript side of the native media path decides, over a fake addon: which calls it
 * takes and which it leaves to the TypeScript engine, the stream and SDES keys it hands to the
 * native thread after a real offer/answer (protocol/sdp on the peer's side), re-negotiations
 * (hold, a codec change refused with 488), devices and volume, DTMF, the recording at the end.
 * The real addon against the TypeScript engine: test/integration/media/native-media-path.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { FakeMediaPathAddon, FakeNativeMediaPath } from '../../../test/fakes/fake-media-path.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { err, type Result } from '../../base/result.js';
import { applyAnswer, createAnswer, createOffer, type LocalMediaConfig } from '../../protocol/sdp/index.js';
import type { CallMedia, CallMediaFactory, CallMediaOptions, MediaEvent, MediaFailure } from '../call-media.js';
import { NativeCallMedia, nativeCallMediaFactory, typeScriptReason } from './native-call-media.js';

/** The TypeScript engine's stand-in: records what it was handed and refuses (a marker). */
class FallbackEngine implements CallMediaFactory {
  readonly handed: CallMediaOptions[] = [];
  create(options: CallMediaOptions): Promise<Result<CallMedia, MediaFailure>> {
    this.handed.push(options);
    return Promise.resolve(err({ code: 'bad-config', message: 'the TypeScript engine' }));
  }
}

const base: CallMediaOptions = { callId: 'c1', srtp: 'mandatory', signalling: 'tls', allowInsecureSdes: false, codecs: ['PCMU', 'PCMA'], localAddress: '127.0.0.1', audio: { playFile: '/calls/hello.wav' } };

function rig(devices?: () => { captureDeviceId?: string; playbackDeviceId?: string; echoCancellation?: boolean; inputGainDb?: number }) {
  const addon = new FakeMediaPathAddon();
  const path = new FakeNativeMediaPath(addon);
  path.files.set('/calls/hello.wav', { sampleRate: 8000, samples: Int16Array.from({ length: 800 }, (_, i) => (i % 80) * 100) });
  const fallback = new FallbackEngine();
  const factory = nativeCallMediaFactory(fallback, { path, rng: new FakeRng(7), ...(devices === undefined ? {} : { devices }) });
  return { addon, path, fallback, factory };
}

/** The peer: protocol/sdp with its own config (PCMU and telephone-event unless told otherwise). */
function peer(overrides: Partial<LocalMediaConfig> = {}): LocalMediaConfig {
  return {
    address: '127.0.0.2',
    port: 50000,
    codecs: [
      { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 },
      { payloadType: 101, encodingName: 'telephone-event', clockRate: 8000, fmtp: '0-16' },
    ],
    ptime: 20,
    rtcpMux: true,
    srtp: { policy: 'mandatory', transport: 'tls', suites: ['AES_CM_128_HMAC_SHA1_80'] },
    ...overrides,
  };
}

async function nativeCall(r: ReturnType<typeof rig>, options: CallMediaOptions = base): Promise<NativeCallMedia> {
  const made = await r.factory.create(options);
  if (!made.ok) throw new Error(made.error.message);
  expect(made.value).toBeInstanceOf(NativeCallMedia);
  return made.value as NativeCallMedia;
}

describe('which calls the native media path takes', () => {
  it('leaves to the TypeScript engine a call with neither a sound card nor a file, a recording without a file to play, no codec, or AEAD-GCM as the account\'s first suite', async () => {
    const r = rig();
    for (const options of [
      { ...base, audio: {} },
      { ...base, audio: { recordFile: '/calls/heard.wav' } },
      { ...base, codecs: [] },
      { ...base, srtpSuites: ['AEAD_AES_128_GCM' as const, 'AES_CM_128_HMAC_SHA1_80' as const] },
    ]) {
      const made = await r.factory.create(options);
      expect(!made.ok && made.error.message, JSON.stringify(options)).toBe('the TypeScript engine');
      expect(typeScriptReason(options, undefined), 'the reason logged').toMatch(/sound card|recording|codec|suite/);
    }
    expect(r.fallback.handed).toHaveLength(4);
    expect(r.addon.legs, 'no native leg was opened for them').toHaveLength(0);
  });

  it('takes a file call, plain RTP too (no suite needed), and a sound-card call when the phone has devices; the TypeScript engine sees none of them', async () => {
    const r = rig(() => ({}));
    await nativeCall(r);
    await nativeCall(r, { ...base, srtp: 'off', srtpSuites: ['AEAD_AES_256_GCM'] });
    await nativeCall(r, { ...base, audio: undefined });
    expect(r.fallback.handed).toHaveLength(0);
    expect(r.addon.legs.map((l) => l.address)).toEqual(['127.0.0.1', '127.0.0.1', '127.0.0.1']);
  });

  it('leaves a file at a rate the native converter does not take (below 8 kHz) to the TypeScript engine', async () => {
    const r = rig();
    r.path.files.set('/calls/low.wav', { sampleRate: 6000, samples: new Int16Array(600) });
    const made = await r.factory.create({ ...base, audio: { playFile: '/calls/low.wav' } });
    expect(!made.ok && made.error.message).toBe('the TypeScript engine');
    expect(r.addon.legs).toHaveLength(0);
  });

  it('refuses, as the user would want it said, a file that cannot be read', async () => {
    const r = rig();
    const made = await r.factory.create({ ...base, audio: { playFile: '/calls/missing.wav' } });
    expect(!made.ok && made.error).toMatchObject({ code: 'bad-config', message: expect.stringMatching(/missing\.wav cannot be read/) as unknown });
  });
});

describe('a native call through offer/answer', () => {
  it('our offer, the peer answers: the stream goes to the native thread with the peer address, PCMU, the looped file, and the SDES keys of both sides', async () => {
    const r = rig();
    const media = await nativeCall(r);
    const offer = media.createOffer();
    expect(offer.ok).toBe(true);
    const text = offer.ok ? offer.value : '';
    expect(text).toMatch(/^m=audio 40002 RTP\/SAVP 0 8 101/m);
    expect(text).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
    const answered = createAnswer(text, peer(), { rng: new FakeRng(9) });
    if (!answered.ok) throw new Error(answered.error.message);
    const events: MediaEvent[] = [];
    media.onEvent((e) => events.push(e));
    const state = media.applyAnswer(answered.value.text);
    expect(state.ok && state.value).toMatchObject({ srtp: true, suite: 'AES_CM_128_HMAC_SHA1_80', codec: 'PCMU/8000', direction: 'sendrecv' });
    expect(events.map((e) => e.kind)).toEqual(['negotiated']);

    const leg = r.addon.legs[0]!;
    expect(leg.stream).toMatchObject({ remoteAddress: '127.0.0.2', remotePort: 50000, codec: 'PCMU', payloadType: 0, frameSamples: 160, dtmfPayloadType: 101, rtcpMux: true, loopSource: true });
    expect(leg.stream?.source?.length, 'the file at 8 kHz').toBe(800);
    expect(leg.stream?.sourceRate).toBe(8000);
    const theirs = answered.value.session.media[0]!.srtp!;
    expect(Buffer.from(leg.keys!.receive).toString('hex'), 'we receive under the key the peer sends with').toBe(Buffer.from([...theirs.send.masterKey, ...theirs.send.masterSalt]).toString('hex'));
    expect(Buffer.from(leg.keys!.send).toString('hex'), 'the peer receives under the key we send with').toBe(Buffer.from([...theirs.receive[0]!.masterKey, ...theirs.receive[0]!.masterSalt]).toString('hex'));
    expect([...leg.stream!.srtp!.sendKey].every((b) => b === 0), 'our copy of the keys is wiped once handed over').toBe(true);

    expect(media.sendDtmf('5', 120), 'telephone-event was agreed').toBe(true);
    expect(leg.dtmf).toEqual([{ event: 5, durationMs: 120 }]);
    media.dispose();
    expect(leg.stopped && leg.closed).toBe(true);
  });

  it('AES-256 (RFC 6188): offered after the 128-bit suites of the default list (AEAD-GCM is not), and an AES_256_CM_HMAC_SHA1_80 answer hands 46-octet keys to the native thread', async () => {
    const r = rig();
    const media = await nativeCall(r, { ...base, srtpSuites: undefined });
    const offer = media.createOffer();
    const text = offer.ok ? offer.value : '';
    expect([...text.matchAll(/^a=crypto:\d+ (\S+)/gm)].map((m) => m[1])).toEqual(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AES_256_CM_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32']);
    const answered = createAnswer(text, peer({ srtp: { policy: 'mandatory', transport: 'tls', suites: ['AES_256_CM_HMAC_SHA1_80'] } }), { rng: new FakeRng(11) });
    if (!answered.ok) throw new Error(answered.error.message);
    const state = media.applyAnswer(answered.value.text);
    expect(state.ok && state.value.suite).toBe('AES_256_CM_HMAC_SHA1_80');
    const leg = r.addon.legs[0]!;
    expect(leg.stream?.srtp?.suite).toBe('AES_256_CM_HMAC_SHA1_80');
    expect([leg.keys!.send.length, leg.keys!.receive.length]).toEqual([46, 46]);
    media.dispose();
  });

  it('the peer offers G.722 and PCMU to an account of G.722 then PCMU: the file (converted to 16 kHz on the native thread) and G.722 are used; no telephone-event, so DTMF goes by SIP INFO', async () => {
    const r = rig();
    const media = await nativeCall(r, { ...base, codecs: ['G722', 'PCMU'] });
    const config = peer({ codecs: [{ payloadType: 9, encodingName: 'G722', clockRate: 8000 }, { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 }] });
    const offer = createOffer(config, { rng: new FakeRng(3) });
    if (!offer.ok) throw new Error(offer.error.message);
    const answer = media.answerOffer(offer.value.text);
    expect(answer.ok && answer.value.state.codec).toBe('G722/8000');
    const leg = r.addon.legs[0]!;
    expect(leg.stream).toMatchObject({ codec: 'G722', payloadType: 9, frameSamples: 320 });
    expect(leg.stream?.source?.length, 'the 8 kHz file as it is: the native thread converts it to 16 kHz').toBe(800);
    expect(leg.stream?.sourceRate).toBe(8000);
    expect(leg.stream?.dtmfPayloadType).toBeUndefined();
    expect(media.sendDtmf('1')).toBe(false);
    if (answer.ok) expect(applyAnswer(offer.value, answer.value.sdp).ok).toBe(true);
    media.dispose();
  });

  it('the peer puts us on hold, then changes codec: the hold updates the stream in place, the codec change is refused with 488 and the call keeps its stream', async () => {
    const r = rig();
    const media = await nativeCall(r);
    const rng = new FakeRng(5);
    const first = createOffer(peer(), { rng });
    if (!first.ok) throw new Error(first.error.message);
    const answered = media.answerOffer(first.value.text);
    if (!answered.ok) throw new Error(answered.error.message);
    const session = applyAnswer(first.value, answered.value.sdp);
    if (!session.ok) throw new Error(session.error.message);
    const leg = r.addon.legs[0]!;

    const hold = createOffer({ ...peer(), direction: 'sendonly' }, { rng, previous: session.value });
    if (!hold.ok) throw new Error(hold.error.message);
    const held = media.answerOffer(hold.value.text);
    expect(held.ok && held.value.state.direction).toBe('recvonly');
    expect(leg.updates.at(-1)).toMatchObject({ send: false, receive: true });
    expect(leg.rekeys, 'the same keys: nothing to re-key').toHaveLength(0);

    const other = createOffer(peer({ codecs: [{ payloadType: 8, encodingName: 'PCMA', clockRate: 8000 }] }), { rng, previous: session.value });
    if (!other.ok) throw new Error(other.error.message);
    const refused = media.answerOffer(other.value.text);
    expect(!refused.ok && refused.error).toMatchObject({ code: 'not-acceptable', sipStatus: 488 });
    expect(leg.stream?.codec, 'the stream was not restarted').toBe('PCMU');
    media.dispose();
  });
});

describe('sound cards and the end of a call', () => {
  it('opens the chosen devices by their PortAudio names, moves them mid-call, sets the volume, and reports what it uses', async () => {
    const r = rig(() => ({ captureDeviceId: 'ALSA:USB Headset', playbackDeviceId: 'ALSA:gone', echoCancellation: true, inputGainDb: 3 }));
    r.addon.deviceList = [
      { name: 'USB Headset', hostApi: 'ALSA', inputs: 1, outputs: 2, defaultRate: 48000 },
      { name: 'Speakers', hostApi: 'ALSA', inputs: 0, outputs: 2, defaultRate: 48000 },
    ];
    const media = await nativeCall(r, { ...base, audio: undefined });
    const events: MediaEvent[] = [];
    media.onEvent((e) => events.push(e));
    const offer = media.createOffer();
    const answered = createAnswer(offer.ok ? offer.value : '', peer(), { rng: new FakeRng(2) });
    if (!answered.ok) throw new Error(answered.error.message);
    expect(media.applyAnswer(answered.value.text).ok).toBe(true);
    const leg = r.addon.legs[0]!;
    expect(leg.stream?.audio, 'a device that is not there: the system default').toEqual({ capture: 'USB Headset', rate: 48000, echoCancellation: true });
    expect(leg.volume).toEqual([3, 0]);
    const devices = events.find((e) => e.kind === 'audio-devices');
    expect(devices?.kind === 'audio-devices' && devices.devices).toMatchObject({ capture: 'USB Headset', wantedCapture: 'ALSA:USB Headset', wantedPlayback: 'ALSA:gone', echoCancellation: true });

    await media.setAudioDevices({ playbackDeviceId: 'ALSA:Speakers' });
    expect(leg.devices.at(-1)).toEqual({ capture: 'USB Headset', playback: 'Speakers' });

    // The headset is unplugged: the microphone's stream stops; the call goes on with the default microphone.
    const before = events.length;
    leg.stream!.onEvent!('audio-error', 0, 0, 'microphone');
    expect(events.slice(before).map((e) => e.kind)).toEqual(['error', 'audio-devices']);
    expect(events[before]).toMatchObject({ kind: 'error', source: 'microphone', cause: 'audio-device-lost' });
    expect(leg.devices.at(-1), 'the default microphone, the speaker kept').toEqual({ playback: 'Speakers' });
    const moved = events.at(-1);
    expect(moved?.kind === 'audio-devices' && moved.devices).toMatchObject({ wantedCapture: 'ALSA:USB Headset', playback: 'Speakers' });
    expect(moved?.kind === 'audio-devices' && moved.devices.capture, 'no named microphone: the default').toBeUndefined();
    media.setVolume({ outputGainDb: -6 });
    expect(leg.volume, 'the microphone keeps its gain').toEqual([3, -6]);
    media.setMuted(true);
    expect(leg.muted).toBe(true);
    media.dispose();
    expect(r.path.written, 'no recording without a record file').toHaveLength(0);
  });

  it('meters every 100 ms from the native counters, file audio too: dBFS, -90 as silence (-Infinity), clipping', async () => {
    const r = rig();
    const media = await nativeCall(r);
    const levels: MediaEvent[] = [];
    media.onEvent((e) => e.kind === 'levels' && levels.push(e));
    const offer = media.createOffer();
    const answered = createAnswer(offer.ok ? offer.value : '', peer(), { rng: new FakeRng(6) });
    if (!answered.ok) throw new Error(answered.error.message);
    media.applyAnswer(answered.value.text);
    r.addon.meters = [-12.5, -3, -90, -90, 1];
    await new Promise((done) => setTimeout(done, 250));
    media.dispose();
    expect(levels.length, 'about ten a second').toBeGreaterThanOrEqual(1);
    expect(levels.length).toBeLessThanOrEqual(3);
    expect(levels.at(-1)).toEqual({ kind: 'levels', levels: { inputRmsDbfs: -12.5, inputPeakDbfs: -3, outputRmsDbfs: -Infinity, outputPeakDbfs: -Infinity, inputClipped: true } });
  });

  it('writes what the call played to the record file at the stream rate when the call ends', async () => {
    const r = rig();
    r.addon.recording = Int16Array.from([1, 2, 3]);
    const media = await nativeCall(r, { ...base, audio: { playFile: '/calls/hello.wav', recordFile: '/calls/heard.wav' } });
    const offer = media.createOffer();
    const answered = createAnswer(offer.ok ? offer.value : '', peer(), { rng: new FakeRng(4) });
    if (!answered.ok) throw new Error(answered.error.message);
    media.applyAnswer(answered.value.text);
    expect(r.addon.legs[0]!.stream?.recordSeconds, 'a record file keeps up to ten minutes').toBe(600);
    media.dispose();
    expect(r.path.written).toEqual([{ path: '/calls/heard.wav', sampleRate: 8000, samples: Int16Array.from([1, 2, 3]) }]);
  });
});
