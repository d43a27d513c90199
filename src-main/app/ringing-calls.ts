/**
 * The incoming calls that ring now, followed from `calls.changed`: when one starts ringing, when
 * it stops and how (answered, missed, declined or otherwise gone), and every change of the ringing
 * set or of what it allows (Answer becomes possible once the media is ready). The tray, the
 * notifications and the taskbar attention all read this one tracker.
 */
import { DisposableStore, type Disposable } from '../base/disposable.js';
import { Emitter, type Event } from '../base/event.js';
import type { CallView } from '../../src-shared/model/call.js';
import { isRingingIncoming } from '../../src-shared/model/call-commands.js';
import type { ShellCalls } from './shell-phone.js';

/** How a call stopped ringing. */
export type RingEnd = 'answered' | 'missed' | 'declined' | 'gone';

export interface RingStopped {
  readonly call: CallView;
  readonly end: RingEnd;
}

/** The caller gave up, or nobody answered in time (not a refusal by the person or by Do not disturb). */
const MISSED_CODES: ReadonlySet<string> = new Set(['missed', 'cancelled', 'no-answer']);

export function ringEnd(now: CallView | undefined): RingEnd {
  if (now === undefined) return 'gone';
  if (now.answeredAt !== null || (now.state !== 'ended' && now.state !== 'ringing')) return 'answered';
  const code = now.endReason?.code;
  if (code !== undefined && MISSED_CODES.has(code)) return 'missed';
  if (code === 'declined' || code === 'busy') return 'declined';
  return 'gone';
}

export class RingingCalls implements Disposable {
  private readonly store = new DisposableStore();
  private readonly started = this.store.add(new Emitter<CallView>());
  private readonly stopped = this.store.add(new Emitter<RingStopped>());
  private readonly changed = this.store.add(new Emitter<readonly CallView[]>());
  /** A call started ringing (fired once per call). */
  readonly onStarted: Event<CallView> = this.started.event;
  /** A call stopped ringing, with how. */
  readonly onStopped: Event<RingStopped> = this.stopped.event;
  /** The ringing calls, whenever the set or one of them changed. */
  readonly onChanged: Event<readonly CallView[]> = this.changed.event;
  private ringing: readonly CallView[];

  constructor(calls: Pick<ShellCalls, 'list' | 'onCallsChanged'>) {
    this.ringing = calls.list().calls.filter(isRingingIncoming);
    this.store.add(calls.onCallsChanged(({ calls: all }) => this.update(all)));
  }

  /** The ringing incoming calls, oldest first as the service lists them. */
  list(): readonly CallView[] {
    return this.ringing;
  }

  dispose(): void {
    this.store.dispose();
  }

  private update(all: readonly CallView[]): void {
    const before = this.ringing;
    const now = all.filter(isRingingIncoming);
    this.ringing = now;
    for (const c of before) {
      if (!now.some((n) => n.id === c.id)) {
        const latest = all.find((a) => a.id === c.id);
        this.stopped.fire({ call: latest ?? c, end: ringEnd(latest) });
      }
    }
    for (const c of now) if (!before.some((b) => b.id === c.id)) this.started.fire(c);
    if (!sameRinging(before, now)) this.changed.fire(now);
  }
}

function sameRinging(a: readonly CallView[], b: readonly CallView[]): boolean {
  return a.length === b.length && a.every((c, i) => c.id === b[i]!.id && c.actions.join() === b[i]!.actions.join() && c.remote.label === b[i]!.remote.label);
}
