/** The user's choice of sound devices and volumes, and the device list the settings view shows. */
import type { AudioDeviceInfo } from '../../media/audio/audio-port.js';
import type { AudioDevicePair } from '../../media/audio/device-pairing.js';

export interface AudioPreferences {
  /** Device ids; undefined = the system default. */
  readonly captureDeviceId?: string;
  readonly playbackDeviceId?: string;
  /** Where incoming calls ring; undefined = the playback device. */
  readonly ringDeviceId?: string;
  readonly echoCancellation: boolean;
  /** Microphone and speaker volume in dB (0: as the device delivers; −60…+20). */
  readonly inputGainDb?: number;
  readonly outputGainDb?: number;
}

/** A change: an id, null for the system default, a missing key for "unchanged". */
export interface AudioPreferencesChange {
  readonly captureDeviceId?: string | null;
  readonly playbackDeviceId?: string | null;
  readonly ringDeviceId?: string | null;
  readonly echoCancellation?: boolean;
  readonly inputGainDb?: number;
  readonly outputGainDb?: number;
}

export interface AudioDeviceList {
  readonly devices: readonly AudioDeviceInfo[];
  readonly pairs: readonly AudioDevicePair[];
  readonly preferences: AudioPreferences;
}

