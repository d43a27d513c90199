import { describe, expect, it } from 'vitest';
import type { AudioDeviceInfo } from './audio-port.js';
import { deviceBaseName, pairAudioDevices } from './device-pairing.js';

const dev = (id: string, name: string, io: 'in' | 'out' | 'both', over: Partial<AudioDeviceInfo> = {}): AudioDeviceInfo => ({
  id,
  name,
  hostApi: 'MME',
  maxInputChannels: io === 'out' ? 0 : 1,
  maxOutputChannels: io === 'in' ? 0 : 2,
  defaultSampleRate: 48000,
  isDefaultInput: false,
  isDefaultOutput: false,
  ...over,
});

describe('deviceBaseName', () => {
  it('reduces each OS naming style to the device name', () => {
    expect(deviceBaseName('Microphone (Jabra EVOLVE 20 MS)')).toBe('Jabra EVOLVE 20 MS');
    expect(deviceBaseName('Speakers (Jabra EVOLVE 20 MS)')).toBe('Jabra EVOLVE 20 MS');
    expect(deviceBaseName('Headset Earphone (Plantronics BT600)')).toBe('Plantronics BT600');
    expect(deviceBaseName('Headset Microphone (Plantronics BT600)')).toBe('Plantronics BT600');
    expect(deviceBaseName('Jabra EVOLVE 20 MS: USB Audio (hw:2,0)')).toBe('Jabra EVOLVE 20 MS');
    expect(deviceBaseName('MacBook Pro Microphone')).toBe('MacBook Pro');
    expect(deviceBaseName('MacBook Pro Speakers')).toBe('MacBook Pro');
    // A name in parentheses that is not behind a role word stays whole.
    expect(deviceBaseName('Realtek (R) Audio')).toBe('Realtek (R) Audio');
  });
});

describe('pairAudioDevices: one-click headset choice', () => {
  it('pairs Windows microphone/speaker halves, puts headsets first, and leaves lone devices out', () => {
    const pairs = pairAudioDevices([
      dev('mme:mic-realtek', 'Microphone (Realtek High Definition Audio)', 'in', { isDefaultInput: true }),
      dev('mme:spk-realtek', 'Speakers (Realtek High Definition Audio)', 'out', { isDefaultOutput: true }),
      dev('mme:mic-jabra', 'Microphone (Jabra EVOLVE 20 MS)', 'in'),
      dev('mme:spk-jabra', 'Speakers (Jabra EVOLVE 20 MS)', 'out'),
      dev('mme:hdmi', 'DELL U2720Q (NVIDIA High Definition Audio)', 'out'),
      dev('wasapi:spk-jabra', 'Speakers (Jabra EVOLVE 20 MS)', 'out', { hostApi: 'WASAPI' }),
    ]);
    expect(pairs.map((p) => [p.name, p.captureDeviceId, p.playbackDeviceId, p.headset, p.isDefault])).toEqual([
      ['Jabra EVOLVE 20 MS', 'mme:mic-jabra', 'mme:spk-jabra', true, false],
      ['Realtek High Definition Audio', 'mme:mic-realtek', 'mme:spk-realtek', false, true],
    ]);
    expect(pairs[0]!.id).toBe('mme:mic-jabra|mme:spk-jabra');
  });

  it('pairs a device that has both directions with itself (macOS, Linux), but not the generic ALSA devices', () => {
    const pairs = pairAudioDevices([
      dev('alsa:default', 'default', 'both', { hostApi: 'ALSA' }),
      dev('alsa:pulse', 'pulse', 'both', { hostApi: 'ALSA' }),
      dev('alsa:jabra', 'Jabra EVOLVE 20 MS: USB Audio (hw:2,0)', 'both', { hostApi: 'ALSA' }),
      dev('ca:airpods-in', 'AirPods Pro', 'in', { hostApi: 'Core Audio' }),
      dev('ca:airpods-out', 'AirPods Pro', 'out', { hostApi: 'Core Audio' }),
    ]);
    expect(pairs.map((p) => [p.name, p.captureDeviceId, p.playbackDeviceId, p.headset])).toEqual([
      ['AirPods Pro', 'ca:airpods-in', 'ca:airpods-out', true],
      ['Jabra EVOLVE 20 MS', 'alsa:jabra', 'alsa:jabra', true],
    ]);
  });

  it('returns nothing for a machine without matching halves', () => {
    expect(pairAudioDevices([dev('a', 'USB Microphone', 'in'), dev('b', 'Speakers (Realtek)', 'out')])).toEqual([]);
  });
});
