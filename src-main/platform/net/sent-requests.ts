/**
 * The requests a transport sent, so that it can tell a response to one of our transactions from a
 * stranger's (issue 15, "strangers"): a response matches when its top Via branch and CSeq method
 * are those of a request we sent (RFC 3261 §17.1.3), its Call-ID and CSeq number are that request's
 * too, and it came from where the request went. On UDP "where" is the address and port the request
 * was sent to: with `rport` in our Via, the server MUST answer from the address and port the
 * request arrived on (RFC 3581 §4); on a stream flow it is the flow.
 *
 * Every entry is bounded in time and the table in size (a peer cannot make it grow: only our own
 * sends add entries):
 *  - non-INVITE: until Timer F (64·T1) after the first send, then kept `lingerMs` after a final
 *    response for its retransmissions;
 *  - INVITE: until a final response (a call may ring for minutes after a 1xx; at most
 *    `inviteMaxMs`), then `lingerMs` for 2xx retransmissions and forks (RFC 6026 Timer M = 64·T1);
 *  - at most `maxEntries`, the oldest dropped first.
 */
import type { Clock } from '../../base/clock.js';
import type { SipRequest, SipResponse } from '../../protocol/sip/message/message.js';

export interface SentRequestInfo {
  /** The entry's key (as `sent` returned it). */
  readonly key: string;
  readonly method: string;
  /** Where it went: `address:port` for datagrams, the flow id for stream flows. */
  readonly to: string;
  /** Whether any response (a 1xx included) matched it. */
  readonly answered: boolean;
}

export interface SentRequestsOptions {
  /** 64·T1 (default 32 000 ms): Timer F, Timer B and Timer M. */
  readonly transactionMs?: number;
  /** How long an INVITE may wait for its final response (default 1 h). */
  readonly inviteMaxMs?: number;
  readonly maxEntries?: number;
}

interface Entry {
  readonly method: string;
  readonly callId: string;
  readonly cseq: number;
  readonly to: string;
  answered: boolean;
  final: boolean;
  expiresAt: number;
}

const SWEEP_EVERY_MS = 1000;

export class SentRequests {
  private readonly entries = new Map<string, Entry>();
  private readonly transactionMs: number;
  private readonly inviteMaxMs: number;
  private readonly maxEntries: number;
  private lastSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    options: SentRequestsOptions = {},
  ) {
    this.transactionMs = options.transactionMs ?? 32_000;
    this.inviteMaxMs = options.inviteMaxMs ?? 3_600_000;
    this.maxEntries = options.maxEntries ?? 4096;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Notes a request sent to `to`; a retransmission (same branch and method) changes nothing. ACK is
   * not a transaction and gets no response. Returns the entry's key when it is new.
   */
  sent(request: SipRequest, to: string): string | undefined {
    if (request.method === 'ACK') return undefined;
    const branch = request.headers.topVia()?.branch;
    const callId = request.headers.callId();
    const cseq = request.headers.cseq();
    if (branch === undefined || callId === undefined || cseq === undefined) return undefined;
    const now = this.clock.monotonic();
    this.sweep(now);
    const key = `${branch}\u0000${request.method}`;
    if (this.entries.has(key)) return undefined;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    const life = request.method === 'INVITE' ? this.inviteMaxMs : this.transactionMs;
    this.entries.set(key, { method: request.method, callId, cseq: cseq.seq, to, answered: false, final: false, expiresAt: now + life });
    return key;
  }

  /** The request a response from `from` answers, or undefined (a stranger's, or too late). */
  match(response: SipResponse, from: string): SentRequestInfo | undefined {
    const branch = response.headers.topVia()?.branch;
    const cseq = response.headers.cseq();
    if (branch === undefined || cseq === undefined) return undefined;
    const now = this.clock.monotonic();
    this.sweep(now);
    const key = `${branch}\u0000${cseq.method}`;
    const entry = this.entries.get(key);
    if (entry === undefined || entry.expiresAt <= now) return undefined;
    if (entry.to !== from || entry.cseq !== cseq.seq || entry.callId !== response.headers.callId()) return undefined;
    entry.answered = true;
    if (response.status >= 200 && !entry.final) {
      entry.final = true;
      entry.expiresAt = now + this.transactionMs;
    }
    return { key, method: entry.method, to: entry.to, answered: true };
  }

  /** The entry under `key` (from `sent`), if still held. */
  get(key: string): SentRequestInfo | undefined {
    const e = this.entries.get(key);
    return e === undefined ? undefined : { key, method: e.method, to: e.to, answered: e.answered };
  }

  /** Forgets the requests sent to `to` (a flow that closed). */
  forget(to: string): void {
    for (const [key, e] of this.entries) if (e.to === to) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const [key, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(key);
  }
}
