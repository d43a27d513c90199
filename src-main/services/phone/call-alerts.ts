/**
 * The sounds a softphone makes by itself, from the phone's call events:
 *  - the ringtone on the ringing device for an incoming call (or, when another call is already
 *    up, the call-waiting tone on the speaker, so the person on the line is not deafened);
 *  - ringback on the speaker while the far end rings and sends no early media (a 183 with media
 *    plays the far end's own tones instead);
 *  - a busy tone for three seconds when the callee is busy.
 * Tones stop at answer, at early media, when the call ends or when this is disposed. Failures to
 * open a device are logged and the call goes on silently (a tone is never worth an error).
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import type { Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import type { AudioDevicePort } from '../../media/audio/audio-port.js';
import { TONES, type ToneSpec } from '../../media/audio/tone-generator.js';
import { TonePlayer } from '../../media/audio/tone-player.js';
import type { CallState } from '../../protocol/sip/ua/call-session.js';
import type { PhoneEvent } from './phone-service.js';

export type ToneRegion = 'europe' | 'north-america';

export interface CallAlertsOptions {
  readonly port: AudioDevicePort;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where incoming calls ring (undefined: the system default). */
  readonly ringDevice: () => string | undefined;
  /** The call speaker, for ringback, busy and call waiting (undefined: the system default). */
  readonly speakerDevice: () => string | undefined;
  /** Call-progress tone plan (default europe: 425 Hz). */
  readonly region?: ToneRegion;
}

type AlertKind = 'ringtone' | 'call-waiting' | 'ringback' | 'busy';

/** The busy cadence three times, then silence. */
function busyFor3s(base: ToneSpec): ToneSpec {
  return { ...base, name: `${base.name}-3s`, repeat: false, segments: [...base.segments, ...base.segments, ...base.segments] };
}

export class CallAlerts implements Disposable {
  private readonly playing = new Map<string, { kind: AlertKind; player: Promise<TonePlayer | undefined> }>();
  /** Calls in progress (not ended), for call waiting. */
  private readonly live = new Set<string>();
  private readonly sub: Disposable;
  private disposed = false;

  constructor(
    events: Event<PhoneEvent>,
    private readonly options: CallAlertsOptions,
  ) {
    this.sub = events((e) => {
      if (e.type === 'call') this.callState(e.call.callId, e.state);
    });
  }

  /** What plays for each call now (diagnostics, tests). */
  get alerts(): ReadonlyMap<string, AlertKind> {
    return new Map([...this.playing].map(([id, p]) => [id, p.kind]));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sub.dispose();
    for (const id of [...this.playing.keys()]) this.stop(id);
  }

  private callState(callId: string, state: CallState): void {
    switch (state.kind) {
      case 'incoming': {
        const others = [...this.live].some((id) => id !== callId);
        this.live.add(callId);
        this.play(callId, others ? 'call-waiting' : 'ringtone');
        return;
      }
      case 'calling':
        this.live.add(callId);
        return;
      case 'ringing':
        this.live.add(callId);
        if (state.earlyMedia) this.stop(callId);
        else if (this.playing.get(callId)?.kind !== 'ringback') this.play(callId, 'ringback');
        return;
      case 'cancelling':
      case 'answering':
      case 'active':
        this.stop(callId);
        return;
      case 'ended':
        this.live.delete(callId);
        this.stop(callId);
        if (state.reason.code === 'busy') this.play(callId, 'busy');
        return;
    }
  }

  private spec(kind: AlertKind): ToneSpec {
    const na = this.options.region === 'north-america';
    switch (kind) {
      case 'ringtone':
        return TONES.ringtone;
      case 'call-waiting':
        return TONES.callWaiting;
      case 'ringback':
        return na ? TONES.ringbackNorthAmerica : TONES.ringbackEurope;
      case 'busy':
        return busyFor3s(na ? TONES.busyNorthAmerica : TONES.busyEurope);
    }
  }

  private play(callId: string, kind: AlertKind): void {
    if (this.disposed) return;
    this.stop(callId);
    const deviceId = kind === 'ringtone' ? this.options.ringDevice() : this.options.speakerDevice();
    const player = TonePlayer.start(this.options.port, this.spec(kind), this.options.clock, deviceId === undefined ? {} : { deviceId }).then((r) => {
      if (!r.ok) {
        this.options.logger.warn(`cannot play the ${kind} tone`, { code: r.error.code, device: deviceId ?? 'default' });
        return undefined;
      }
      // Stopped while the device was opening: close at once.
      if (this.playing.get(callId)?.player !== player) {
        r.value.dispose();
        return undefined;
      }
      return r.value;
    });
    this.playing.set(callId, { kind, player });
  }

  private stop(callId: string): void {
    const p = this.playing.get(callId);
    if (p === undefined) return;
    this.playing.delete(callId);
    void p.player.then((player) => player?.dispose());
  }
}
