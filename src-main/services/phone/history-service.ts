/** The call history as the history view pages through it: newest first, searched, filtered, editable. */
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import { err, ok, type Result } from '../../base/result.js';
import type { HistoryPage } from '../../../src-shared/model/history.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';
import type { CallHistory, CallRecord } from './call-history.js';
import { toHistoryEntryView } from './views/history-view.js';

export interface HistoryQuery {
  readonly offset: number;
  readonly limit: number;
  readonly search?: string;
  readonly accountId?: string;
  readonly filter: 'all' | 'missed' | 'incoming' | 'outgoing';
}

export class HistoryService implements Disposable {
  private readonly changes = new Emitter<{ total: number }>();
  readonly onChanged: Event<{ total: number }> = this.changes.event;

  constructor(private readonly history: CallHistory) {}

  /** Called by the composition when a call ended and was recorded. */
  recorded(record: CallRecord): Promise<void> {
    return this.history.add(record).then(() => this.changes.fire({ total: this.history.list().length }));
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
    return { entries: matching.slice(q.offset, q.offset + q.limit), total: matching.length, offset: q.offset };
  }

  async remove(ids: readonly string[]): Promise<Result<void, Problem>> {
    const r = await this.history.remove(ids);
    if (r.removed === 0) return err(problem('not-found', { what: 'history entry' }));
    this.changes.fire({ total: this.history.list().length });
    return r.saved ? ok(undefined) : err(problem('storage-write-failed', { what: 'The call history' }));
  }

  async clear(): Promise<Result<void, Problem>> {
    const saved = await this.history.clear();
    this.changes.fire({ total: 0 });
    return saved ? ok(undefined) : err(problem('storage-write-failed', { what: 'The call history' }));
  }

  dispose(): void {
    this.changes.dispose();
  }
}
