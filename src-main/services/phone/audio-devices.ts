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
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type { AudioDeviceError, AudioDevicePort } from '../../media/audio/audio-port.js';
import { pairAudioDevices, type AudioDevicePair } from '../../media/audio/device-pairing.js';
import { LevelMeter, type PcmLevel } from '../../media/audio/pcm-level.js';
import { TONES, type ToneSpec } from '../../media/audio/tone-generator.js';
import { TonePlayer } from '../../media/audio/tone-player.js';
import type { CallAudioDeviceChoice, CallVolume } from '../../media/call-media.js';
import type { DeviceSelection } from '../../media/call/call-audio.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';
import type { AudioDevicesView } from '../../../src-shared/model/audio.js';
import { toAudioDevicesView } from './views/audio-view.js';
import type { AudioDeviceList, AudioPreferences, AudioPreferencesChange } from './audio-preferences.js';

export type { AudioDeviceList, AudioPreferences, AudioPreferencesChange } from './audio-preferences.js';

/** A steady 1 kHz test tone at −12 dBFS: clearly audible, not loud. */
const TEST_TONE: ToneSpec = { name: 'test-tone', levelDbfs: -12, repeat: true, segments: [{ frequencies: [1000], durationMs: 1000 }] };
/** Below this the microphone test says nothing was heard (a muted or dead microphone). */
const HEARD_THRESHOLD_DBFS = -60;

export function audioProblem(e: AudioDeviceError, context: Record<string, string> = {}): Problem {
  const code = e.code === 'audio-backend-unavailable' ? 'audio-unavailable' : e.code;
  return problem(code, context);
}

/** What moves live calls (PhoneService.setCallAudioDevices). */
export interface LiveCallAudio {
  setCallAudioDevices(choice: CallAudioDeviceChoice): Promise<void>;
  setCallVolume(volume: CallVolume): void;
}

export class AudioDeviceService implements Disposable {
  private prefs: AudioPreferences;
  private readonly changes = new Emitter<AudioDeviceList>();
  /** Hot-plug or a new choice: the list with its pairs and the preferences. */
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

  get backend(): string {
    return this.port.backend;
  }

  /** The settings view's model: devices, pairs, the choice. */
  async view(): Promise<Result<AudioDevicesView, Problem>> {
    const listed = await this.list();
    return listed.ok ? ok(toAudioDevicesView(listed.value, this.port.backend)) : listed;
  }

  /** The same, whenever a device comes or goes or the choice changes. */
  readonly onViewChanged: Event<AudioDevicesView> = (listener) => this.onDevicesChanged((list) => listener(toAudioDevicesView(list, this.port.backend)));

  async list(): Promise<Result<AudioDeviceList, Problem>> {
    const r = await this.port.listDevices();
    if (!r.ok) return err(audioProblem(r.error));
    return ok({ devices: r.value, pairs: pairAudioDevices(r.value), preferences: this.prefs });
  }

  /**
   * Changes the preferences. Device ids must exist now (a typo or a stale id is refused with
   * not-found, nothing changes). Live calls move to the new microphone/speaker at once.
   */
  async choose(change: AudioPreferencesChange): Promise<Result<AudioPreferences, Problem>> {
    const wanted = [change.captureDeviceId, change.playbackDeviceId, change.ringDeviceId].filter((id): id is string => typeof id === 'string');
    if (wanted.length > 0) {
      const listed = await this.list();
      if (!listed.ok) return listed;
      const { devices } = listed.value;
      const missing = (id: string | null | undefined, direction: 'input' | 'output'): Problem | undefined => {
        if (typeof id !== 'string') return undefined;
        const d = devices.find((x) => x.id === id);
        if (d === undefined || (direction === 'input' ? d.maxInputChannels : d.maxOutputChannels) === 0) return problem('audio-device-not-found', { kind: direction === 'input' ? 'microphone' : 'speaker', deviceId: id.slice(0, 200) });
        return undefined;
      };
      const refused = missing(change.captureDeviceId, 'input') ?? missing(change.playbackDeviceId, 'output') ?? missing(change.ringDeviceId, 'output');
      if (refused !== undefined) return err(refused);
    }
    const next = (v: string | null | undefined, current: string | undefined): string | undefined => (v === undefined ? current : (v ?? undefined));
    const capture = next(change.captureDeviceId, this.prefs.captureDeviceId);
    const playback = next(change.playbackDeviceId, this.prefs.playbackDeviceId);
    const ring = next(change.ringDeviceId, this.prefs.ringDeviceId);
    for (const g of [change.inputGainDb, change.outputGainDb]) {
      if (g !== undefined && !(Number.isFinite(g) && g >= -60 && g <= 20)) return err(problem('invalid-value', { field: 'volume (−60 to +20 dB)' }));
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
    const listed = await this.list();
    if (listed.ok) this.changes.fire(listed.value);
    return ok(this.prefs);
  }

  /** One click: the pair `pairId`, or the first headset found, for both directions (and ringing stays as set). */
  async useHeadset(pairId?: string): Promise<Result<AudioDevicePair, Problem>> {
    const listed = await this.list();
    if (!listed.ok) return listed;
    const { pairs } = listed.value;
    const pair = pairId === undefined ? pairs.find((p) => p.headset) : pairs.find((p) => p.id === pairId);
    if (pair === undefined) return err(problem('audio-device-not-found', { kind: pairId === undefined ? 'headset' : 'device pair', deviceId: (pairId ?? '').slice(0, 200) }));
    const chosen = await this.choose({ captureDeviceId: pair.captureDeviceId, playbackDeviceId: pair.playbackDeviceId });
    return chosen.ok ? ok(pair) : chosen;
  }

  /** Plays a 1 kHz test tone on the speaker (or the ringtone on the ringing device) for `durationMs`. */
  async testTone(target: 'speaker' | 'ring', durationMs: number, clock: Clock): Promise<Result<void, Problem>> {
    const deviceId = target === 'ring' ? this.ringDeviceId : this.prefs.playbackDeviceId;
    const started = await TonePlayer.start(this.port, target === 'ring' ? TONES.ringtone : TEST_TONE, clock, deviceId === undefined ? {} : { deviceId });
    if (!started.ok) return err(audioProblem(started.error, { kind: 'speaker', deviceId: deviceId ?? 'default' }));
    const player = started.value;
    clock.setTimer(durationMs, () => player.dispose());
    return ok(undefined);
  }

  /**
   * Listens to the chosen microphone for `durationMs`, reporting the meter every 100 ms to
   * `onLevel`, and returns the loudest 100 ms window (so a person can see the microphone works).
   */
  async testMicrophone(durationMs: number, clock: Clock, onLevel: (level: PcmLevel) => void): Promise<Result<{ deviceId: string; rmsDbfs: number; peakDbfs: number; clipped: boolean; heard: boolean }, Problem>> {
    const deviceId = this.prefs.captureDeviceId;
    const opened = await this.port.openCapture({ ...(deviceId === undefined ? {} : { deviceId }), sampleRate: 16000, frameSamples: 320 });
    if (!opened.ok) return err(audioProblem(opened.error, { kind: 'microphone', deviceId: deviceId ?? 'default' }));
    const stream = opened.value;
    const window = new LevelMeter();
    let best: PcmLevel = { rmsDbfs: -Infinity, peakDbfs: -Infinity, clipped: false };
    let clipped = false;
    let frames = 0;
    stream.onFrame((frame) => {
      window.add(frame);
      if (++frames % 5 !== 0) return;
      const level = window.take();
      clipped ||= level.clipped;
      if (level.rmsDbfs > best.rmsDbfs) best = level;
      onLevel(level);
    });
    const failed = new Promise<AudioDeviceError>((resolve) => stream.onError(resolve));
    stream.start();
    const outcome = await Promise.race([new Promise<undefined>((resolve) => clock.setTimer(durationMs, () => resolve(undefined))), failed]);
    const id = stream.deviceId;
    stream.dispose();
    if (outcome !== undefined) return err(audioProblem(outcome, { kind: 'microphone', deviceId: id }));
    const floor = (x: number): number => (Number.isFinite(x) ? Math.max(-100, Math.round(x * 10) / 10) : -100);
    return ok({ deviceId: id, rmsDbfs: floor(best.rmsDbfs), peakDbfs: floor(best.peakDbfs), clipped, heard: best.rmsDbfs > HEARD_THRESHOLD_DBFS });
  }

  dispose(): void {
    this.sub.dispose();
    this.changes.dispose();
  }
}
