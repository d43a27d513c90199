/**
 * Call history: who, when, how long, which direction, how it ended, and whether signalling (TLS)
 * and media (SRTP) were encrypted. Persisted through a HistoryStore port; bounded.
 */
import type { Logger } from '../../base/logger.js';
import type { HistoryStore } from './ports.js';

export interface CallRecord {
  readonly id: string;
  readonly accountId: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly remote: string;
  readonly remoteName?: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly durationSeconds: number;
  readonly answered: boolean;
  /** How it ended: an end code (protocol/sip/ua/end-reason.ts). */
  readonly outcome: string;
  readonly status?: number;
  readonly tls: boolean;
  readonly srtp: boolean;
  /** What protected the call as it ran (absent in records from before it was kept). */
  readonly security?: CallRecordSecurity;
}

export interface CallRecordSecurity {
  readonly level: 'secure' | 'weaker' | 'insecure' | 'pending';
  readonly tlsVersion: string | null;
  readonly verification: 'full' | 'chain-only' | 'pinned' | 'insecure' | null;
  readonly hops: 'every-hop' | 'first-hop' | 'none';
  readonly srtpSuite: string | null;
}

/** How many records are kept by default (the oldest go first); PhoneAdapters.historyLimit changes it. */
export const HISTORY_LIMIT = 10_000;

export class CallHistory {
  private records: CallRecord[] = [];
  private saving: Promise<boolean> = Promise.resolve(true);
  /** The write that has not started yet (it will carry every change made until it does). */
  private queued: Promise<boolean> | undefined;

  constructor(
    private readonly store: HistoryStore,
    private readonly logger: Logger,
    private readonly limit: number = HISTORY_LIMIT,
  ) {}

  async load(): Promise<void> {
    try {
      const raw = await this.store.load();
      this.records = Array.isArray(raw) ? raw.filter(isRecord).slice(-this.limit) : [];
    } catch (e) {
      this.logger.warn('call history could not be read; starting empty', { error: e });
      this.records = [];
    }
  }

  list(): readonly CallRecord[] {
    return this.records;
  }

  /** Adds a record and saves (writes are serialised so none is lost). */
  add(record: CallRecord): Promise<boolean> {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.splice(0, this.records.length - this.limit);
    return this.save();
  }

  /** Removes the records with these ids; resolves to how many went. */
  async remove(ids: readonly string[]): Promise<{ removed: number; saved: boolean }> {
    const drop = new Set(ids);
    const before = this.records.length;
    this.records = this.records.filter((r) => !drop.has(r.id));
    const removed = before - this.records.length;
    return { removed, saved: removed === 0 ? true : await this.save() };
  }

  clear(): Promise<boolean> {
    this.records = [];
    return this.save();
  }

  /**
   * Saves after the previous save (serialised, so none is lost); false when the store failed
   * (logged). Coalesced: at most one write runs and one waits, and the waiting one takes the
   * records as they are when it starts, so every change made meanwhile shares it. (One queued
   * snapshot per change grew without bound when changes came faster than the store's fsync'd
   * writes - 10,000 calls in the soak left thousands of snapshots queued and the file minutes behind.)
   */
  private save(): Promise<boolean> {
    if (this.queued !== undefined) return this.queued;
    const run = this.saving
      .then(() => {
        this.queued = undefined;
        return this.store.save(this.records.slice());
      })
      .then(
        () => true,
        (e: unknown) => {
          this.logger.error('call history could not be saved', { error: e });
          return false;
        },
      );
    this.queued = run;
    this.saving = run;
    return run;
  }
}

function isRecord(v: unknown): v is CallRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.id === 'string' && typeof r.remote === 'string' && typeof r.startedAt === 'string' && (r.direction === 'outgoing' || r.direction === 'incoming');
}
