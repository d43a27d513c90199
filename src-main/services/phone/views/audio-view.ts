/** AudioDevicesView: the sound devices, headset pairs and the current choice for the settings view. */
import type { AudioDevicesView } from '../../../../src-shared/model/audio.js';
import type { AudioDeviceList } from '../audio-preferences.js';

export function toAudioDevicesView(list: AudioDeviceList, backend: string): AudioDevicesView {
  const p = list.preferences;
  return {
    backend,
    devices: list.devices.map((d) => ({ id: d.id, name: d.name, hostApi: d.hostApi, inputs: d.maxInputChannels, outputs: d.maxOutputChannels, isDefaultInput: d.isDefaultInput, isDefaultOutput: d.isDefaultOutput })),
    pairs: list.pairs.map((x) => ({ id: x.id, name: x.name, captureDeviceId: x.captureDeviceId, playbackDeviceId: x.playbackDeviceId, headset: x.headset, isDefault: x.isDefault })),
    preferences: {
      captureDeviceId: p.captureDeviceId ?? null,
      playbackDeviceId: p.playbackDeviceId ?? null,
      ringDeviceId: p.ringDeviceId ?? null,
      echoCancellation: p.echoCancellation,
      inputGainDb: p.inputGainDb ?? 0,
      outputGainDb: p.outputGainDb ?? 0,
    },
  };
}
