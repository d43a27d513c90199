/**
 * The user's audio devices, as the settings view and the call window need them (both faces call
 * this service; the IPC channels come with the next wave's views):
 *  - the device list with one-click pairs (headsets first, see media/audio/device-pairing.ts),
 *    refreshed on hot-plug;
 *  - the choice of microphone, speaker and a separate ringing device (or the system default),
 *    and echo cancellation on/off; applied to the next calls and moved onto live calls at once;
 *  - `useHeadset()`: the one click - the chosen (or first) headset pair for both directions.
 *
 * Preferences are persisted through the injected `save` (the app keeps them in its settings).
 */
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import { Failure } from '../../base/failure.js';
import type { Logger } from '../../base/logger.js';
import type { AudioDeviceInfo, AudioDevicePort } from '../../media/audio/audio-port.js';
import { pairAudioDevices, type AudioDevicePair } from '../../media/audio/device-pairing.js';
import type { CallAudioDeviceChoice, CallVolume } from '../../media/call-media.js';
import type { DeviceSelection } from '../../media/call/call-audio.js';

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

/** What moves live calls (PhoneService.setCallAudioDevices). */
export interface LiveCallAudio {
  setCallAudioDevices(choice: CallAudioDeviceChoice): Promise<void>;
  setCallVolume(volume: CallVolume): void;
}

export class AudioDeviceService implements Disposable {
  private prefs: AudioPreferences;
  private readonly changes = new Emitter<AudioDeviceList>();
  /** Hot-plug: the new list with its pairs. */
  readonly onDevicesChanged: Event<AudioDeviceList> = this.changes.event;
  private readonly sub: Disposable;

  constructor(
    private readonly port: AudioDevicePort,
    private readonly calls: LiveCallAudio,
    private readonly logger: Logger,
    initial: Partial<AudioPreferences> = {},
    private readonly save: (prefs: AudioPreferences) => void = () => undefined,
  ) {
    this.prefs = { echoCancellation: true, ...initial };
    this.sub = port.onDevicesChanged((devices) => this.changes.fire({ devices, pairs: pairAudioDevices(devices), preferences: this.prefs }));
  }

  get preferences(): AudioPreferences {
    return this.prefs;
  }

  /** What the next call opens (deviceAudioProvider's selection). */
  get selection(): DeviceSelection {
    const p = this.prefs;
    return {
      ...(p.captureDeviceId === undefined ? {} : { captureDeviceId: p.captureDeviceId }),
      ...(p.playbackDeviceId === undefined ? {} : { playbackDeviceId: p.playbackDeviceId }),
      echoCancellation: p.echoCancellation,
      ...(p.inputGainDb === undefined ? {} : { inputGainDb: p.inputGainDb }),
      ...(p.outputGainDb === undefined ? {} : { outputGainDb: p.outputGainDb }),
    };
  }

  /** Where to ring: the ringing device, else the speaker, else the system default. */
  get ringDeviceId(): string | undefined {
    return this.prefs.ringDeviceId ?? this.prefs.playbackDeviceId;
  }

  async list(): Promise<AudioDeviceList> {
    const r = await this.port.listDevices();
    if (!r.ok) throw new Failure('unavailable', `The audio devices cannot be listed: ${r.error.message}`, { code: r.error.code });
    return { devices: r.value, pairs: pairAudioDevices(r.value), preferences: this.prefs };
  }

  /**
   * Changes the preferences. Device ids must exist now (a typo or a stale id is refused with
   * not-found, nothing changes). Live calls move to the new microphone/speaker at once.
   */
  async choose(change: AudioPreferencesChange): Promise<AudioPreferences> {
    const wanted = [change.captureDeviceId, change.playbackDeviceId, change.ringDeviceId].filter((id): id is string => typeof id === 'string');
    if (wanted.length > 0) {
      const { devices } = await this.list();
      const check = (id: string | null | undefined, direction: 'input' | 'output'): void => {
        if (typeof id !== 'string') return;
        const d = devices.find((x) => x.id === id);
        if (d === undefined || (direction === 'input' ? d.maxInputChannels : d.maxOutputChannels) === 0) throw new Failure('not-found', `There is no ${direction === 'input' ? 'microphone' : 'speaker'} "${id}" now. Is it plugged in?`, { deviceId: id });
      };
      check(change.captureDeviceId, 'input');
      check(change.playbackDeviceId, 'output');
      check(change.ringDeviceId, 'output');
    }
    const next = (v: string | null | undefined, current: string | undefined): string | undefined => (v === undefined ? current : (v ?? undefined));
    const capture = next(change.captureDeviceId, this.prefs.captureDeviceId);
    const playback = next(change.playbackDeviceId, this.prefs.playbackDeviceId);
    const ring = next(change.ringDeviceId, this.prefs.ringDeviceId);
    for (const g of [change.inputGainDb, change.outputGainDb]) {
      if (g !== undefined && !(Number.isFinite(g) && g >= -60 && g <= 20)) throw new Failure('invalid-payload', `A volume must be between -60 and +20 dB (got ${g}).`);
    }
    const inputGainDb = change.inputGainDb ?? this.prefs.inputGainDb;
    const outputGainDb = change.outputGainDb ?? this.prefs.outputGainDb;
    this.prefs = {
      ...(capture === undefined ? {} : { captureDeviceId: capture }),
      ...(playback === undefined ? {} : { playbackDeviceId: playback }),
      ...(ring === undefined ? {} : { ringDeviceId: ring }),
      echoCancellation: change.echoCancellation ?? this.prefs.echoCancellation,
      ...(inputGainDb === undefined ? {} : { inputGainDb }),
      ...(outputGainDb === undefined ? {} : { outputGainDb }),
    };
    this.save(this.prefs);
    const move: CallAudioDeviceChoice = {
      ...(change.captureDeviceId === undefined ? {} : { captureDeviceId: change.captureDeviceId }),
      ...(change.playbackDeviceId === undefined ? {} : { playbackDeviceId: change.playbackDeviceId }),
    };
    if (change.inputGainDb !== undefined || change.outputGainDb !== undefined) {
      this.calls.setCallVolume({ ...(change.inputGainDb === undefined ? {} : { inputGainDb: change.inputGainDb }), ...(change.outputGainDb === undefined ? {} : { outputGainDb: change.outputGainDb }) });
    }
    if (move.captureDeviceId !== undefined || move.playbackDeviceId !== undefined) await this.calls.setCallAudioDevices(move);
    this.logger.info('audio devices chosen', { capture: capture ?? 'default', playback: playback ?? 'default', ring: ring ?? 'speaker' });
    return this.prefs;
  }

  /** One click: the pair `pairId`, or the first headset found, for both directions (and ringing stays as set). */
  async useHeadset(pairId?: string): Promise<AudioDevicePair> {
    const { pairs } = await this.list();
    const pair = pairId === undefined ? pairs.find((p) => p.headset) : pairs.find((p) => p.id === pairId);
    if (pair === undefined) throw new Failure('not-found', pairId === undefined ? 'No headset is connected. Plug one in, or pick the microphone and speaker yourself.' : `The device pair ${pairId} is not connected now.`);
    await this.choose({ captureDeviceId: pair.captureDeviceId, playbackDeviceId: pair.playbackDeviceId });
    return pair;
  }

  dispose(): void {
    this.sub.dispose();
    this.changes.dispose();
  }
}
