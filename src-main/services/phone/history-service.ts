/** The call history as the history view pages through it: newest first, searched, filtered, editable. */
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import { err, ok, type Result } from '../../base/result.js';
import type { HistoryChanged, HistoryPage } from '../../../src-shared/model/history.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';
import type { CallHistory, CallRecord } from './call-history.js';
import { endCode, isMissed, toHistoryEntryView } from './views/history-view.js';

export interface HistoryQuery {
  readonly offset: number;
  readonly limit: number;
  readonly search?: string;
  readonly accountId?: string;
  readonly filter: 'all' | 'missed' | 'incoming' | 'outgoing';
}

/** Where the "seen up to" mark of missed calls is kept (the settings document store). */
export interface SeenMarkStore {
  read(key: string): Promise<unknown>;
  write(key: string, value: unknown): Promise<void>;
}

const SEEN_KEY = 'history-seen';

export class HistoryService implements Disposable {
  private readonly changes = new Emitter<HistoryChanged>();
  readonly onChanged: Event<HistoryChanged> = this.changes.event;
  /** Missed calls that started after this (ISO 8601) are unseen; '' before anything was seen. */
  private seenUntil = '';

  constructor(
    private readonly history: CallHistory,
    private readonly seenStore?: SeenMarkStore,
  ) {}

  /** Reads the seen mark (absent or unreadable: every missed call is unseen). */
  async load(): Promise<void> {
    const raw = await this.seenStore?.read(SEEN_KEY).catch(() => undefined);
    if (typeof raw === 'object' && raw !== null && typeof (raw as { until?: unknown }).until === 'string') this.seenUntil = (raw as { until: string }).until;
  }

  /** Called by the composition when a call ended and was recorded. */
  recorded(record: CallRecord): Promise<void> {
    return this.history.add(record).then(() => this.fire());
  }

  /** Missed calls not yet seen (the tray and the nav badge). */
  missedUnseen(): number {
    let n = 0;
    for (const r of this.history.list()) if (r.startedAt > this.seenUntil && isMissed(r.direction, r.answered, endCode(r.outcome))) n++;
    return n;
  }

  /** The person looked at the history: the missed-call badge goes. */
  async markSeen(): Promise<Result<HistoryChanged, Problem>> {
    const list = this.history.list();
    const last = list.length === 0 ? new Date(0).toISOString() : list.reduce((m, r) => (r.startedAt > m ? r.startedAt : m), this.seenUntil);
    if (last !== this.seenUntil) {
      this.seenUntil = last;
      try {
        await this.seenStore?.write(SEEN_KEY, { until: last });
      } catch {
        return err(problem('storage-write-failed', { what: 'The history' }));
      }
      this.fire();
    }
    return ok(this.summary());
  }

  summary(): HistoryChanged {
    return { total: this.history.list().length, missedUnseen: this.missedUnseen() };
  }

  private fire(): void {
    this.changes.fire(this.summary());
  }

  list(q: HistoryQuery): HistoryPage {
    const needle = q.search?.trim().toLowerCase() ?? '';
    const views = [...this.history.list()].reverse().map(toHistoryEntryView);
    const matching = views.filter(
      (e) =>
        (q.accountId === undefined || e.accountId === q.accountId) &&
        (q.filter === 'all' || (q.filter === 'missed' ? e.missed : e.direction === q.filter)) &&
        (needle === '' || e.remote.uri.toLowerCase().includes(needle) || e.remote.label.toLowerCase().includes(needle)),
    );
    return { entries: matching.slice(q.offset, q.offset + q.limit), total: matching.length, offset: q.offset, missedUnseen: this.missedUnseen() };
  }

  async remove(ids: readonly string[]): Promise<Result<void, Problem>> {
    const r = await this.history.remove(ids);
    if (r.removed === 0) return err(problem('not-found', { what: 'history entry' }));
    this.fire();
    return r.saved ? ok(undefined) : err(problem('storage-write-failed', { what: 'The call history' }));
  }

  async clear(): Promise<Result<void, Problem>> {
    const saved = await this.history.clear();
    this.fire();
    return saved ? ok(undefined) : err(problem('storage-write-failed', { what: 'The call history' }));
  }

  dispose(): void {
    this.changes.dispose();
  }
}
