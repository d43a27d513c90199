/**
 * The null audio backend: a silent microphone and a speaker that discards, both paced by the
 * Clock. For headless use without media files, and tests.
 */
import type { Clock } from '../../base/clock.js';
import { Emitter } from '../../base/event.js';
import { ok, type Result } from '../../base/result.js';
import type { AudioDeviceError, AudioDeviceInfo, AudioDevicePort, AudioStreamOptions, CaptureStream, PlaybackStream } from '../../media/audio/audio-port.js';
import { ClockPacedCapture, ClockPacedPlayback } from './clock-paced-streams.js';

const NULL_DEVICE: AudioDeviceInfo = {
  id: 'null:null',
  name: 'No audio device',
  hostApi: 'null',
  maxInputChannels: 1,
  maxOutputChannels: 1,
  defaultSampleRate: 48000,
  isDefaultInput: true,
  isDefaultOutput: true,
};

export class NullAudioPort implements AudioDevicePort {
  readonly backend = 'null';
  private readonly changes = new Emitter<readonly AudioDeviceInfo[]>();
  readonly onDevicesChanged = this.changes.event;

  constructor(private readonly clock: Clock) {}

  listDevices(): Promise<Result<readonly AudioDeviceInfo[], AudioDeviceError>> {
    return Promise.resolve(ok([NULL_DEVICE]));
  }

  openCapture(options: AudioStreamOptions): Promise<Result<CaptureStream, AudioDeviceError>> {
    return Promise.resolve(ok(new ClockPacedCapture(this.clock, { ...options, deviceId: NULL_DEVICE.id }, (out) => out.fill(0))));
  }

  openPlayback(options: AudioStreamOptions): Promise<Result<PlaybackStream, AudioDeviceError>> {
    return Promise.resolve(ok(new ClockPacedPlayback(this.clock, { ...options, deviceId: NULL_DEVICE.id }, () => undefined)));
  }

  dispose(): void {
    this.changes.dispose();
  }
}
