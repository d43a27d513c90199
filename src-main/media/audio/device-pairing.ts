/**
 * Pairs microphones with speakers that belong to the same physical device, so a user picks a
 * headset in one click instead of hunting for its microphone and its earpiece in two lists.
 *
 * Operating systems name the two halves differently:
 *  - Windows (MME/WASAPI): "Microphone (Jabra EVOLVE 20 MS)" and "Speakers (Jabra EVOLVE 20 MS)",
 *    "Headset Microphone (Plantronics BT600)" / "Headset Earphone (Plantronics BT600)";
 *  - macOS (Core Audio): one name for both, "Jabra EVOLVE 20 MS";
 *  - Linux (ALSA/PulseAudio via PortAudio): often one device with both directions,
 *    "Jabra EVOLVE 20 MS: USB Audio (hw:2,0)".
 * Names are reduced to the device's own name (the part in parentheses when the rest is a role
 * word, minus role words such as microphone/speakers/headset earphone) and matched within one
 * host API. A pair is flagged as a headset when its name says so or names a known headset maker.
 */
import type { AudioDeviceInfo } from './audio-port.js';

export interface AudioDevicePair {
  /** Stable id of the pair: capture id + "|" + playback id. */
  readonly id: string;
  /** The device's own name, e.g. "Jabra EVOLVE 20 MS". */
  readonly name: string;
  readonly hostApi: string;
  readonly captureDeviceId: string;
  readonly playbackDeviceId: string;
  /** Looks like a headset (or handset): the one-click choice for calls. */
  readonly headset: boolean;
  /** Both halves are the system defaults. */
  readonly isDefault: boolean;
}

const ROLE_WORDS = /\b(headset|hands-?free|microphone|mic|speakers?|headphones?|earphone|earpiece|line|input|output|in|out|digital|analog(ue)?|stereo|mono)\b/gi;
const HEADSET = /headset|headphone|earphone|earpiece|handset|hands-?free|airpods|buds|jabra|plantronics|\bpoly\b|epos|sennheiser|logitech\s+(h|zone)|evolve|blackwire|voyager|savi|yealink|\bbt\d{3}\b/i;
const GENERIC = new Set(['', 'default', 'sysdefault', 'pulse', 'pipewire', 'dmix', 'dsnoop']);

/** The device's own name, without role words and host-API decorations. */
export function deviceBaseName(name: string): string {
  let n = name.trim();
  // "Microphone (Jabra EVOLVE 20 MS)": the part in parentheses names the device.
  const paren = /^(.*?)\s*\((.+)\)\s*$/.exec(n);
  if (paren !== undefined && paren !== null && paren[1]!.replace(ROLE_WORDS, '').trim() === '') n = paren[2]!;
  // ALSA: "Jabra EVOLVE 20 MS: USB Audio (hw:2,0)" → the card name.
  n = n.replace(/\s*\(hw:\d+,\d+\)\s*$/i, '');
  const colon = n.indexOf(': ');
  if (colon > 0) n = n.slice(0, colon);
  n = n.replace(ROLE_WORDS, ' ').replace(/[-–—,]+\s*$/, '');
  return n.replace(/\s+/g, ' ').trim();
}

/** Input/output pairs of the same physical device, headsets first. */
export function pairAudioDevices(devices: readonly AudioDeviceInfo[]): AudioDevicePair[] {
  const inputs = devices.filter((d) => d.maxInputChannels > 0);
  const outputs = devices.filter((d) => d.maxOutputChannels > 0);
  const pairs: AudioDevicePair[] = [];
  const usedOutputs = new Set<string>();
  for (const input of inputs) {
    const key = deviceBaseName(input.name).toLowerCase();
    if (GENERIC.has(key)) continue;
    // The same device in both directions first, then a same-named output on the same host API.
    const output =
      (input.maxOutputChannels > 0 && !usedOutputs.has(input.id) ? input : undefined) ??
      outputs.find((o) => !usedOutputs.has(o.id) && o.hostApi === input.hostApi && deviceBaseName(o.name).toLowerCase() === key);
    if (output === undefined) continue;
    usedOutputs.add(output.id);
    const name = deviceBaseName(input.name) || input.name;
    pairs.push({
      id: `${input.id}|${output.id}`,
      name,
      hostApi: input.hostApi,
      captureDeviceId: input.id,
      playbackDeviceId: output.id,
      headset: HEADSET.test(input.name) || HEADSET.test(output.name),
      isDefault: input.isDefaultInput && output.isDefaultOutput,
    });
  }
  return pairs.sort((a, b) => Number(b.headset) - Number(a.headset) || a.name.localeCompare(b.name) || a.hostApi.localeCompare(b.hostApi));
}
