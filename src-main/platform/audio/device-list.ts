/** Helpers for device enumeration shared by the audio adapters. */
import type { AudioDeviceInfo } from '../../media/audio/audio-port.js';

/** Stable id from host API and name; duplicates get "#2", "#3"… in enumeration order. */
export function stableDeviceIds<T extends { readonly name: string; readonly hostApi: string }>(devices: readonly T[]): string[] {
  const seen = new Map<string, number>();
  return devices.map((d) => {
    const base = `${d.hostApi}:${d.name}`;
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}#${n}`;
  });
}

/** True when the two device lists differ in membership, capabilities or defaults. */
export function deviceListsDiffer(a: readonly AudioDeviceInfo[], b: readonly AudioDeviceInfo[]): boolean {
  if (a.length !== b.length) return true;
  const key = (d: AudioDeviceInfo): string => `${d.id}|${d.isDefaultInput}|${d.isDefaultOutput}|${d.maxInputChannels}|${d.maxOutputChannels}`;
  const set = new Set(a.map(key));
  return b.some((d) => !set.has(key(d)));
}
