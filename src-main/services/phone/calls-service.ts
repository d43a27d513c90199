/**
 * The calls as the call screen sees them: every change of a call (SIP state, media, devices, mute,
 * transfer role) becomes one `calls.changed` with all calls in progress, coalesced per turn of the
 * event loop; quality every RTCP report; meters at most ten a second per call; received DTMF;
 * problems that do not end a call. Actions go to the engine and come back as typed results.
 */
import type { Clock } from '../../base/clock.js';
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import { err, ok, type Result } from '../../base/result.js';
import type { CallAudioOptions } from '../../media/call-media.js';
import type { CallProblem, CallQualityView, CallView, LevelsView } from '../../../src-shared/model/call.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';
import type { CallSnapshot, PhoneService } from './phone-service.js';
import { callQualityView, levelsView, toCallView } from './views/call-view.js';

/** Meters: at most one event per call per this many ms (≤ 10 a second). */
export const LEVELS_MIN_INTERVAL_MS = 100;

export interface CallsServiceOptions {
  /** The account to call from when none is named. */
  readonly defaultAccount: () => string | undefined;
  /** Audio for calls placed from this face (the web face's file audio; the app uses devices). */
  readonly audioForCall?: () => CallAudioOptions | undefined;
}

export class CallsService implements Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = new Emitter<{ calls: CallView[] }>();
  private readonly quality = new Emitter<CallQualityView>();
  private readonly levels = new Emitter<LevelsView>();
  private readonly dtmf = new Emitter<{ callId: string; digit: string; via: 'rfc4733' | 'info' }>();
  private readonly problems = new Emitter<CallProblem>();
  readonly onCallsChanged: Event<{ calls: CallView[] }> = this.changed.event;
  readonly onQuality: Event<CallQualityView> = this.quality.event;
  readonly onLevels: Event<LevelsView> = this.levels.event;
  readonly onDtmfReceived: Event<{ callId: string; digit: string; via: 'rfc4733' | 'info' }> = this.dtmf.event;
  readonly onProblem: Event<CallProblem> = this.problems.event;
  private readonly lastLevels = new Map<string, number>();
  private readonly codecs = new Map<string, string>();
  /** Calls that ended since the last `calls.changed`: shown once with their end reason. */
  private ended: CallSnapshot[] = [];
  private pending = false;

  constructor(
    private readonly engine: PhoneService,
    private readonly clock: Clock,
    private readonly options: CallsServiceOptions,
  ) {
    this.store.add(
      engine.onEvent((e) => {
        switch (e.type) {
          case 'call':
            if (e.state.kind === 'ended') {
              const s = engine.snapshot(e.call.callId);
              if (s !== undefined) this.ended.push(s);
              this.lastLevels.delete(e.call.callId);
              this.codecs.delete(e.call.callId);
            }
            this.schedule();
            return;
          case 'media':
            if (e.media.codec !== undefined) this.codecs.set(e.call.callId, e.media.codec);
            this.schedule();
            return;
          case 'call-updated':
          case 'audio-devices':
          case 'transfer':
            this.schedule();
            return;
          case 'stats':
            this.quality.fire(callQualityView(e.call.callId, e.stats, this.codecs.get(e.call.callId)));
            return;
          case 'levels': {
            const now = this.clock.monotonic();
            const last = this.lastLevels.get(e.call.callId);
            if (last !== undefined && now - last < LEVELS_MIN_INTERVAL_MS - 5) return;
            this.lastLevels.set(e.call.callId, now);
            this.levels.fire(levelsView(e.call.callId, e.levels));
            return;
          }
          case 'dtmf':
            this.dtmf.fire({ callId: e.call.callId, digit: e.digit, via: e.via });
            return;
          case 'problem':
            if (e.callId !== undefined) this.problems.fire({ callId: e.callId, problem: e.problem });
            return;
          default:
            return;
        }
      }),
    );
  }

  list(): { calls: CallView[] } {
    const all = this.engine.snapshots();
    return { calls: all.map((s) => toCallView(s, all)) };
  }

  async dial(target: string, accountId?: string): Promise<Result<CallView, Problem>> {
    const account = accountId ?? this.options.defaultAccount();
    if (account === undefined) return err(problem('not-found', { what: 'enabled account to call from' }));
    const placed = await this.engine.call(account, target, this.options.audioForCall?.());
    return placed.ok ? this.viewOf(placed.value.callId) : placed;
  }

  answer(callId: string): Result<void, Problem> {
    return this.engine.answer(callId);
  }

  decline(callId: string, reason: 'busy' | 'decline'): Result<void, Problem> {
    return this.engine.decline(callId, reason === 'busy');
  }

  hangup(callId: string): Result<void, Problem> {
    return this.engine.hangup(callId);
  }

  hold(callId: string, hold: boolean): Result<void, Problem> {
    return this.engine.hold(callId, hold);
  }

  setMuted(callId: string, muted: boolean): Result<void, Problem> {
    return this.engine.setMuted(callId, muted);
  }

  sendDtmf(callId: string, digits: string): Result<void, Problem> {
    return this.engine.sendDtmf(callId, digits.toUpperCase());
  }

  transfer(callId: string, target: string): Result<void, Problem> {
    return this.engine.transfer(callId, target);
  }

  async consult(callId: string, target: string): Promise<Result<CallView, Problem>> {
    const placed = await this.engine.consult(callId, target, this.options.audioForCall?.());
    return placed.ok ? this.viewOf(placed.value.callId) : placed;
  }

  completeTransfer(callId: string, consultCallId: string): Result<void, Problem> {
    return this.engine.attendedTransfer(callId, consultCallId);
  }

  swap(callId: string): Result<void, Problem> {
    return this.engine.swap(callId);
  }

  setDevices(callId: string, choice: { captureDeviceId?: string | null; playbackDeviceId?: string | null }): Promise<Result<void, Problem>> {
    return this.engine.setCallAudioDevices(choice, callId);
  }

  dispose(): void {
    this.store.dispose();
    for (const e of [this.changed, this.quality, this.levels, this.dtmf, this.problems]) e.dispose();
  }

  private viewOf(callId: string): Result<CallView, Problem> {
    const all = this.engine.snapshots();
    const s = all.find((c) => c.info.callId === callId);
    return s === undefined ? err(problem('not-found', { what: 'call', id: callId })) : ok(toCallView(s, all));
  }

  /** One `calls.changed` per turn of the event loop, however many things changed in it. */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      const live = this.engine.snapshots();
      const gone = this.ended.filter((e) => !live.some((l) => l.info.callId === e.info.callId));
      this.ended = [];
      const all = [...live, ...gone];
      this.changed.fire({ calls: all.map((s) => toCallView(s, live)) });
    });
  }
}
