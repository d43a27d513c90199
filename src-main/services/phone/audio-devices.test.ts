import { describe, expect, it } from 'vitest';
import { FakeAudioDevicePort, fakeDevice } from '../../../test/fakes/fake-audio-device.js';
import { nullLogger } from '../../base/logger.js';
import type { CallAudioDeviceChoice, CallVolume } from '../../media/call-media.js';
import { AudioDeviceService, type AudioPreferences } from './audio-devices.js';

function setup(initial: Partial<AudioPreferences> = {}) {
  const port = new FakeAudioDevicePort([
    fakeDevice('mme:mic-realtek', { name: 'Microphone (Realtek Audio)', isDefaultInput: true, maxOutputChannels: 0, hostApi: 'MME' }),
    fakeDevice('mme:spk-realtek', { name: 'Speakers (Realtek Audio)', isDefaultOutput: true, maxInputChannels: 0, hostApi: 'MME' }),
    fakeDevice('mme:mic-jabra', { name: 'Microphone (Jabra EVOLVE 20 MS)', maxOutputChannels: 0, hostApi: 'MME' }),
    fakeDevice('mme:spk-jabra', { name: 'Speakers (Jabra EVOLVE 20 MS)', maxInputChannels: 0, hostApi: 'MME' }),
  ]);
  const moved: CallAudioDeviceChoice[] = [];
  const volumes: CallVolume[] = [];
  const saved: AudioPreferences[] = [];
  const service = new AudioDeviceService(port, { setCallAudioDevices: async (c) => void moved.push(c), setCallVolume: (v) => void volumes.push(v) }, nullLogger, initial, (p) => saved.push(p));
  return { port, service, moved, saved, volumes };
}

describe('AudioDeviceService', () => {
  it('picks the headset in one click: both halves, for the next calls and the live ones, and saves it', async () => {
    const { service, moved, saved } = setup();
    const used = await service.useHeadset();
    const pair = used.ok ? used.value : undefined;
    expect(pair).toMatchObject({ name: 'Jabra EVOLVE 20 MS', headset: true });
    expect(service.selection).toEqual({ captureDeviceId: 'mme:mic-jabra', playbackDeviceId: 'mme:spk-jabra', echoCancellation: true });
    expect(moved).toEqual([{ captureDeviceId: 'mme:mic-jabra', playbackDeviceId: 'mme:spk-jabra' }]);
    expect(saved.at(-1)).toEqual({ captureDeviceId: 'mme:mic-jabra', playbackDeviceId: 'mme:spk-jabra', echoCancellation: true });
    expect(service.ringDeviceId).toBe('mme:spk-jabra'); // rings where the user listens, unless told otherwise
  });

  it('refuses a device that is not there (typed not-found), changing nothing', async () => {
    const { service, moved, saved } = setup();
    expect(await service.choose({ captureDeviceId: 'mme:gone' })).toMatchObject({ ok: false, error: { code: 'audio-device-not-found' } });
    expect(await service.choose({ playbackDeviceId: 'mme:mic-jabra' })).toMatchObject({ ok: false, error: { code: 'audio-device-not-found', detail: { kind: 'speaker' } } }); // a microphone is no speaker
    expect(moved).toEqual([]);
    expect(saved).toEqual([]);
    expect(service.selection).toEqual({ echoCancellation: true });
  });

  it('says plainly when no headset is connected', async () => {
    const { service, port } = setup();
    port.unplug('mme:mic-jabra');
    expect(await service.useHeadset()).toMatchObject({ ok: false, error: { code: 'audio-device-not-found', detail: { kind: 'headset' } } });
  });

  it('keeps a separate ringing device, goes back to the system default with null, and turns echo cancellation off', async () => {
    const { service, moved } = setup({ captureDeviceId: 'mme:mic-jabra', playbackDeviceId: 'mme:spk-jabra' });
    await service.choose({ ringDeviceId: 'mme:spk-realtek' });
    expect(moved).toEqual([]); // ringing is not a call's audio
    expect(service.ringDeviceId).toBe('mme:spk-realtek');
    await service.choose({ captureDeviceId: null, playbackDeviceId: null, echoCancellation: false });
    expect(moved).toEqual([{ captureDeviceId: null, playbackDeviceId: null }]);
    expect(service.selection).toEqual({ echoCancellation: false });
    expect(service.preferences).toEqual({ ringDeviceId: 'mme:spk-realtek', echoCancellation: false });
  });

  it('reports hot-plug with fresh pairs', async () => {
    const { service, port } = setup();
    const seen: string[][] = [];
    service.onDevicesChanged((l) => seen.push(l.pairs.map((p) => p.name)));
    port.unplug('mme:spk-jabra');
    expect(seen).toEqual([['Realtek Audio']]);
    service.dispose();
  });

  it('sets the microphone and speaker volume for the next calls and the live ones, refusing out-of-range values', async () => {
    const { service, volumes, saved } = setup();
    await service.choose({ inputGainDb: 6, outputGainDb: -3 });
    expect(volumes).toEqual([{ inputGainDb: 6, outputGainDb: -3 }]);
    expect(service.selection).toMatchObject({ inputGainDb: 6, outputGainDb: -3 });
    expect(saved.at(-1)).toMatchObject({ inputGainDb: 6, outputGainDb: -3 });
    expect(await service.choose({ outputGainDb: 40 })).toMatchObject({ ok: false, error: { code: 'invalid-value' } });
    expect(await service.choose({ inputGainDb: Number.NaN })).toMatchObject({ ok: false, error: { code: 'invalid-value' } });
    expect(volumes).toHaveLength(1);
    expect(service.preferences.outputGainDb).toBe(-3);
  });
});
