/**
 * Call history saves: serialised, none lost, and coalesced - changes that come faster than the
 * store writes share one queued write instead of queueing one full snapshot each (found by the
 * call soak, test/soak: 10,000 calls left thousands of snapshots queued behind fsync'd writes).
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../base/logger.js';
import { CallHistory, type CallRecord } from './call-history.js';
import type { HistoryStore } from './ports.js';

/** A store whose writes finish only when the test says so. */
class SlowStore implements HistoryStore {
  readonly writes: unknown[][] = [];
  private pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  load(): Promise<unknown> {
    return Promise.resolve([]);
  }
  save(entries: unknown): Promise<void> {
    this.writes.push(entries as unknown[]);
    return new Promise((resolve, reject) => this.pending.push({ resolve, reject }));
  }
  get inFlight(): number {
    return this.pending.length;
  }
  finish(error?: Error): void {
    const p = this.pending.shift();
    if (p === undefined) throw new Error('no write in flight');
    if (error === undefined) p.resolve();
    else p.reject(error);
  }
}

const record = (i: number): CallRecord => ({
  id: `acc:${i}`,
  accountId: 'acc',
  direction: 'outgoing',
  remote: `sip:${i}@example.test`,
  startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  durationSeconds: i,
  answered: true,
  outcome: 'hangup-local',
  tls: true,
  srtp: true,
  security: null,
}) as unknown as CallRecord;

const settle = (): Promise<void> => new Promise((r) => setImmediate(() => r()));
const logger = createLogger({ sinks: [], level: 'error' });

describe('call history saves', () => {
  it('coalesces: 1,000 records added during one slow write cost one more write, which holds them all', async () => {
    const store = new SlowStore();
    const history = new CallHistory(store, logger);
    const first = history.add(record(0));
    await settle();
    expect(store.inFlight).toBe(1);
    const rest = Array.from({ length: 1000 }, (_, i) => history.add(record(i + 1)));
    await settle();
    expect(store.writes.length).toBe(1);
    store.finish();
    expect(await first).toBe(true);
    await settle();
    expect(store.writes.length).toBe(2);
    expect(store.writes[1]!.length).toBe(1001);
    store.finish();
    expect(await Promise.all(rest)).toEqual(rest.map(() => true));
    expect(store.writes.length).toBe(2);
  });

  it('loses no change: a record added while the queued write is already writing gets a write of its own', async () => {
    const store = new SlowStore();
    const history = new CallHistory(store, logger);
    void history.add(record(1));
    await settle();
    const second = history.add(record(2));
    store.finish();
    await settle();
    // The second write started (with records 1 and 2); a third change needs a third write.
    expect(store.writes.length).toBe(2);
    const third = history.add(record(3));
    store.finish();
    expect(await second).toBe(true);
    await settle();
    expect(store.writes.length).toBe(3);
    expect((store.writes[2] as CallRecord[]).map((r) => r.id)).toEqual(['acc:1', 'acc:2', 'acc:3']);
    store.finish();
    expect(await third).toBe(true);
  });

  it('reports a failed write as false and the next change writes again', async () => {
    const store = new SlowStore();
    const history = new CallHistory(store, logger);
    const a = history.add(record(1));
    await settle();
    store.finish(new Error('disk full'));
    expect(await a).toBe(false);
    const b = history.add(record(2));
    await settle();
    store.finish();
    expect(await b).toBe(true);
    expect(store.writes.at(-1)!.length).toBe(2);
  });
});
