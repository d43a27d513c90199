// @vitest-environment jsdom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SoftphoneApi } from '../../src-shared/ipc/client';
import { IpcError } from '../../src-shared/ipc/errors';
import type { AudioDevicesView } from '../../src-shared/model/audio';
import { setApi } from '../bridge';
import { SILENCE_DBFS, useAudioStore, type MicLevel, type MicTestResult } from './audio';

type Req = SoftphoneApi['requests'];

const DEVICES: AudioDevicesView = {
  backend: 'portaudio',
  devices: [
    { id: 'mic', name: 'Built-in Microphone', hostApi: 'ALSA', inputs: 1, outputs: 0, isDefaultInput: true, isDefaultOutput: false },
    { id: 'spk', name: 'Speakers', hostApi: 'ALSA', inputs: 0, outputs: 2, isDefaultInput: false, isDefaultOutput: true },
    { id: 'hs', name: 'USB Headset', hostApi: 'ALSA', inputs: 1, outputs: 2, isDefaultInput: false, isDefaultOutput: false },
  ],
  pairs: [{ id: 'pair:hs', name: 'USB Headset', captureDeviceId: 'hs', playbackDeviceId: 'hs', headset: true, isDefault: false }],
  preferences: { captureDeviceId: null, playbackDeviceId: null, ringDeviceId: null, echoCancellation: true, inputGainDb: 0, outputGainDb: 0 },
};

function fakeApi() {
  let view = structuredClone(DEVICES);
  const changed: ((v: AudioDevicesView) => void)[] = [];
  const micLevel: ((l: MicLevel) => void)[] = [];
  const log: string[] = [];
  let finishMic: (r: MicTestResult) => void = () => undefined;
  const requests = {
    audio: {
      list: vi.fn<Req['audio']['list']>(async () => {
        log.push('audio.list');
        return view;
      }),
      choose: vi.fn<Req['audio']['choose']>(async (patch) => {
        const pair = view.pairs.find((p) => p.id === patch.pairId);
        const { pairId: _pairId, ...rest } = patch;
        view = { ...view, preferences: { ...view.preferences, ...rest, ...(pair ? { captureDeviceId: pair.captureDeviceId, playbackDeviceId: pair.playbackDeviceId } : {}) } };
        return view;
      }),
      testTone: vi.fn<Req['audio']['testTone']>(async () => ({ done: true as const })),
      testMicrophone: vi.fn<Req['audio']['testMicrophone']>(() => new Promise<MicTestResult>((r) => (finishMic = r))),
    },
  };
  const events = {
    audio: {
      changed: (l: (v: AudioDevicesView) => void) => {
        log.push('subscribe audio.changed');
        changed.push(l);
        return () => undefined;
      },
      micLevel: (l: (v: MicLevel) => void) => {
        micLevel.push(l);
        return () => undefined;
      },
    },
  };
  setApi({ requests, events } as unknown as SoftphoneApi);
  return {
    requests,
    log,
    emitChanged: (v: AudioDevicesView) => changed.forEach((l) => l(v)),
    emitLevel: (l: MicLevel) => micLevel.forEach((f) => f(l)),
    finishMic: (r: MicTestResult) => finishMic(r),
  };
}

describe('audio store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('subscribes, then loads the devices; microphones and speakers are told apart', async () => {
    const api = fakeApi();
    const audio = useAudioStore();
    await audio.init();
    expect(api.log).toEqual(['subscribe audio.changed', 'audio.list']);
    expect(audio.microphones.map((d) => d.id)).toEqual(['mic', 'hs']);
    expect(audio.speakers.map((d) => d.id)).toEqual(['spk', 'hs']);
    expect(audio.pairs.map((p) => p.id)).toEqual(['pair:hs']);
    api.emitChanged({ ...DEVICES, devices: DEVICES.devices.slice(0, 2), pairs: [] });
    expect(audio.microphones.map((d) => d.id)).toEqual(['mic']);
    expect(audio.pairs).toEqual([]);
  });

  it('chooses devices and volumes through main and shows its answer', async () => {
    const api = fakeApi();
    const audio = useAudioStore();
    await audio.init();
    await audio.choose({ pairId: 'pair:hs' });
    expect(api.requests.audio.choose).toHaveBeenCalledWith({ pairId: 'pair:hs' });
    expect(audio.preferences?.captureDeviceId).toBe('hs');
    expect(audio.preferences?.playbackDeviceId).toBe('hs');
    await audio.choose({ captureDeviceId: null, inputGainDb: -6, echoCancellation: false });
    expect(audio.preferences).toMatchObject({ captureDeviceId: null, inputGainDb: -6, echoCancellation: false });
  });

  it('shows main’s words when a device cannot be used', async () => {
    const api = fakeApi();
    api.requests.audio.choose.mockRejectedValueOnce(new IpcError({ code: 'audio-device-not-found', message: 'That sound device is not connected.', hint: 'Plug it in or choose another one.' }));
    const audio = useAudioStore();
    await audio.init();
    await audio.choose({ ringDeviceId: 'gone' });
    expect(audio.error).toMatchObject({ message: 'That sound device is not connected.', hint: 'Plug it in or choose another one.' });
    expect(audio.preferences?.ringDeviceId).toBeNull();
  });

  it('plays a test tone on the speaker or the ringing device, one at a time', async () => {
    const api = fakeApi();
    const audio = useAudioStore();
    await audio.init();
    const playing = audio.testTone('ring');
    expect(audio.playing).toBe('ring');
    await audio.testTone('speaker');
    await playing;
    expect(api.requests.audio.testTone).toHaveBeenCalledTimes(1);
    expect(api.requests.audio.testTone).toHaveBeenCalledWith({ target: 'ring' });
    expect(audio.playing).toBeNull();
  });

  it('moves the meter with audio.micLevel during the microphone test, then keeps the result', async () => {
    const api = fakeApi();
    const audio = useAudioStore();
    await audio.init();
    api.emitLevel({ rmsDbfs: -20, peakDbfs: -10, clipped: false });
    expect(audio.micLevel.rmsDbfs).toBe(SILENCE_DBFS);
    const test = audio.testMicrophone();
    expect(audio.micTesting).toBe(true);
    api.emitLevel({ rmsDbfs: -31, peakDbfs: -12, clipped: false });
    expect(audio.micLevel).toEqual({ rmsDbfs: -31, peakDbfs: -12, clipped: false });
    api.finishMic({ deviceId: 'mic', rmsDbfs: -30, peakDbfs: -11, clipped: false, heard: true });
    await test;
    expect(audio.micTesting).toBe(false);
    expect(audio.micResult?.heard).toBe(true);
    expect(audio.micLevel.rmsDbfs).toBe(SILENCE_DBFS);
  });
});
