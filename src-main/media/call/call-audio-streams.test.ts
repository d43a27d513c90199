/**
 * A call's audio streams: echo cancellation wiring, moving a call between devices mid-call
 * (make-before-break), device loss and return, following the OS default.
 */
import { describe, expect, it } from 'vitest';
import { FakeAudioDevicePort, fakeDevice, type FakeCaptureStream } from '../../../test/fakes/fake-audio-device.js';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeEchoCancellerFactory } from '../../../test/fakes/fake-echo-canceller.js';
import { nullLogger } from '../../base/logger.js';
import type { AudioLevels, CallAudioDevicesInfo } from '../call-media.js';
import type { CallAudio } from './call-audio.js';
import { CallAudioStreams } from './call-audio-streams.js';

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function devicesPort(): FakeAudioDevicePort {
  return new FakeAudioDevicePort([
    fakeDevice('laptop-mic', { isDefaultInput: true, maxOutputChannels: 0 }),
    fakeDevice('laptop-speaker', { isDefaultOutput: true, maxInputChannels: 0 }),
    fakeDevice('headset', { maxInputChannels: 1, maxOutputChannels: 2 }),
  ]);
}

function setup(audio: Partial<CallAudio> = {}, port = devicesPort()) {
  const captured: Int16Array[] = [];
  const errors: string[] = [];
  const devices: CallAudioDevicesInfo[] = [];
  const levels: AudioLevels[] = [];
  let far = 0;
  const streams = new CallAudioStreams({ port, owned: false, ...audio }, 8000, 20, new FakeClock(), nullLogger, {
    capture: (f) => captured.push(f.slice()),
    playback: (out) => out.fill(++far * 100),
    error: (m) => errors.push(m),
    devices: (d) => devices.push(d),
    levels: (l) => levels.push(l),
  });
  return { streams, port, captured, errors, devices, levels };
}

const mic = (port: FakeAudioDevicePort, id: string): FakeCaptureStream => {
  const s = port.captures.find((c) => c.deviceId === id);
  if (s === undefined) throw new Error(`no capture stream on ${id}`);
  return s;
};

describe('CallAudioStreams: echo cancellation', () => {
  it('feeds every speaker frame to the canceller and sends the cleaned microphone frame', async () => {
    // The fake removes exactly "far frame played 1 frame before × 0.5": a known echo path.
    const aec = new FakeEchoCancellerFactory({ subtract: { delayFrames: 1, gain: 0.5 } });
    const { streams, port, captured } = setup({ echoCanceller: aec.create });
    await streams.start();
    expect(aec.created).toHaveLength(1);
    expect(aec.created[0]!.options).toMatchObject({ sampleRate: 8000, frameSamples: 160 });
    const speaker = port.playbacks[0]!;
    const micStream = port.captures[0]!;
    for (let i = 0; i < 5; i++) {
      const [played] = speaker.pull(1);
      // The microphone hears the speaker's previous frame at half level (the echo) plus a talker at 1000.
      const prev = speaker.played[speaker.played.length - 2];
      micStream.emit(Int16Array.from({ length: 160 }, (_, k) => 1000 + (prev === undefined ? 0 : 0.5 * prev[k]!)));
      expect(played![0]).toBe((i + 1) * 100);
    }
    expect(aec.created[0]!.calls.filter((c) => c === 'playback')).toHaveLength(5);
    // After the first frame (nothing played before it), only the talker is left.
    for (const f of captured.slice(1)) expect([...new Set(f)]).toEqual([1000]);
    expect(streams.stats().echoCanceller).toMatchObject({ frames: 5, playbackFrames: 5 });
    expect(streams.devices.echoCancellation).toBe(true);
    streams.dispose();
    expect(aec.created[0]!.disposed).toBe(true);
  });

  it('goes on without echo control, and says so, when the canceller cannot be made', async () => {
    const aec = new FakeEchoCancellerFactory();
    aec.fail = { code: 'aec-unavailable', message: 'the addon did not load' };
    const { streams, port, captured, errors } = setup({ echoCanceller: aec.create });
    await streams.start();
    port.captures[0]!.emit(new Int16Array(160).fill(7));
    expect(captured).toHaveLength(1);
    expect(errors).toEqual(['echo cancellation unavailable (aec-unavailable): the addon did not load']);
    expect(streams.devices.echoCancellation).toBe(false);
    streams.dispose();
  });

  it('makes no canceller for a capture-only call (no speaker, no echo)', async () => {
    const aec = new FakeEchoCancellerFactory();
    const { streams } = setup({ echoCanceller: aec.create, playback: false });
    await streams.start();
    expect(aec.created).toHaveLength(0);
    streams.dispose();
  });
});

describe('CallAudioStreams: devices during a call', () => {
  it('moves to the chosen devices make-before-break, resets the canceller, and reports the devices', async () => {
    const aec = new FakeEchoCancellerFactory();
    const { streams, port, captured, devices } = setup({ echoCanceller: aec.create });
    await streams.start();
    expect(devices.at(-1)).toMatchObject({ capture: 'laptop-mic', playback: 'laptop-speaker' });
    const oldMic = mic(port, 'laptop-mic');
    let openWhileOldAlive = false;
    const open = port.openCapture.bind(port);
    port.openCapture = async (o) => {
      openWhileOldAlive = port.captures.includes(oldMic);
      return open(o);
    };
    await streams.setDevices({ captureDeviceId: 'headset', playbackDeviceId: 'headset' });
    expect(openWhileOldAlive).toBe(true);
    expect(port.openStreams).toBe(2); // the old streams are closed
    expect(devices.at(-1)).toMatchObject({ capture: 'headset', playback: 'headset', wantedCapture: 'headset', wantedPlayback: 'headset', echoCancellation: true });
    expect(aec.created[0]!.calls.filter((c) => c === 'reset').length).toBeGreaterThanOrEqual(1);
    oldMic.emit(new Int16Array(160).fill(1)); // closed: ignored
    mic(port, 'headset').emit(new Int16Array(160).fill(2));
    expect(captured.map((f) => f[0])).toEqual([2]);
    expect(port.playbacks[0]!.deviceId).toBe('headset');
    expect(port.playbacks[0]!.pull(1)[0]![0]).toBeGreaterThan(0); // the new speaker plays the call
    expect(streams.stats().switches).toBe(2);
    streams.dispose();
    expect(port.openStreams).toBe(0);
  });

  it('stays on the working device when the chosen one cannot be opened', async () => {
    const { streams, port, errors } = setup();
    await streams.start();
    await streams.setDevices({ captureDeviceId: 'no-such-mic' });
    expect(errors).toEqual([expect.stringContaining('microphone unavailable (audio-device-not-found)')]);
    expect(streams.devices.capture).toBe('laptop-mic');
    expect(port.captures).toHaveLength(1);
    streams.dispose();
  });

  it('falls back to the default when the headset is unplugged, and returns to it when it is plugged in again', async () => {
    const { streams, port, devices } = setup({ captureDeviceId: 'headset', playbackDeviceId: 'headset' });
    await streams.start();
    expect(streams.devices).toMatchObject({ capture: 'headset', playback: 'headset' });
    port.unplug('headset');
    await flush();
    expect(streams.devices).toMatchObject({ capture: 'laptop-mic', playback: 'laptop-speaker', wantedCapture: 'headset' });
    port.plug(fakeDevice('headset', { maxInputChannels: 1, maxOutputChannels: 2 }));
    await flush();
    expect(streams.devices).toMatchObject({ capture: 'headset', playback: 'headset' });
    expect(port.openStreams).toBe(2);
    // One report per move (each direction moves on its own).
    const seen = devices.map((d) => d.capture).filter((c, i, all) => i === 0 || all[i - 1] !== c);
    expect(seen).toEqual(['headset', 'laptop-mic', 'headset']);
    streams.dispose();
  });

  it('follows the OS default when no device was chosen, and not when one was', async () => {
    const follow = setup();
    await follow.streams.start();
    follow.port.setDefault('headset', 'input');
    await flush();
    expect(follow.streams.devices.capture).toBe('headset');
    expect(follow.streams.devices.playback).toBe('laptop-speaker');
    follow.streams.dispose();

    const pinned = setup({ captureDeviceId: 'laptop-mic' });
    await pinned.streams.start();
    pinned.port.setDefault('headset', 'input');
    await flush();
    expect(pinned.streams.devices.capture).toBe('laptop-mic');
    pinned.streams.dispose();
  });

  it('goes back to following the default when the user picks "system default" (null)', async () => {
    const { streams, port } = setup({ captureDeviceId: 'headset' });
    await streams.start();
    await streams.setDevices({ captureDeviceId: null });
    expect(streams.devices.capture).toBe('laptop-mic');
    expect(streams.devices.wantedCapture).toBeUndefined();
    port.setDefault('headset', 'input');
    await flush();
    expect(streams.devices.capture).toBe('headset');
    streams.dispose();
  });
});

describe('CallAudioStreams: volume and level meters', () => {
  it('applies the input and output volume and reports levels every 100 ms, after the volume', async () => {
    const { streams, port, captured, levels } = setup({ inputGainDb: -6 });
    await streams.start();
    const micStream = port.captures[0]!;
    const speaker = port.playbacks[0]!;
    const tone = Int16Array.from({ length: 160 }, (_, k) => Math.round(10000 * Math.sin((2 * Math.PI * k) / 16)));
    for (let i = 0; i < 5; i++) {
      speaker.pull(1);
      micStream.emit(tone);
    }
    expect(captured[0]![4]).toBe(Math.round(10000 * 10 ** (-6 / 20))); // the peak sample, 6 dB down
    expect(levels).toHaveLength(1); // 5 frames of 20 ms
    const l = levels[0]!;
    expect(l.inputPeakDbfs).toBeCloseTo(20 * Math.log10(5012 / 32767), 1);
    expect(l.inputRmsDbfs).toBeCloseTo(l.inputPeakDbfs - 3.01, 0); // a sine's RMS is 3 dB under its peak
    expect(l.inputClipped).toBe(false);
    expect(l.outputPeakDbfs).toBeGreaterThan(-Infinity);

    streams.setVolume({ inputGainDb: 20, outputGainDb: -60 });
    const before = speaker.played.length;
    for (let i = 0; i < 5; i++) {
      speaker.pull(1);
      micStream.emit(tone);
    }
    expect(levels[1]!.inputClipped).toBe(true); // +20 dB drives 10000 into full scale
    expect(Math.max(...speaker.played.slice(before).map((f) => Math.max(...f)))).toBeLessThan(600); // -60 dB: near silence
    streams.setVolume({ inputGainDb: 99 });
    expect(streams.volume.inputGainDb).toBe(20); // clamped
    streams.dispose();
  });

  it('feeds the canceller the microphone before the volume and the speaker after it', async () => {
    const aec = new FakeEchoCancellerFactory();
    const { streams, port } = setup({ echoCanceller: aec.create, outputGainDb: -6 });
    await streams.start();
    const [played] = port.playbacks[0]!.pull(1);
    expect(aec.created[0]!.played[0]).toEqual(played); // the reference is what the speaker really played
    streams.dispose();
  });
});
