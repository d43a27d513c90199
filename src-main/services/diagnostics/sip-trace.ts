/**
 * The SIP message log of every account (issue 13): each message an account's flow sends or
 * receives, masked when it is recorded (sip-masking.ts), kept in a ring per account bounded by
 * count and bytes, and pushed live to the log viewer. The connection factory handed to the
 * phone is wrapped (tracingConnections) so every flow — accounts and connection tests — is seen
 * at the one place messages cross between the transaction layer and the transport.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { SipMessage } from '../../protocol/sip/message/message.js';
import { messageToString } from '../../protocol/sip/message/serializer.js';
import type { TransportAddress } from '../../protocol/sip/transaction/transport-port.js';
import type { SipLogEntryView, SipLogPage, SipLogQuery } from '../../../src-shared/model/diagnostics.js';
import type { SipConnection, SipConnectionFactory } from '../phone/ports.js';
import { maskSipText } from './sip-masking.js';

const MAX_ENTRIES = 3000;
const MAX_BYTES = 6 * 1024 * 1024;
/** Longer messages are cut (with a note) before masking and keeping. */
const MAX_TEXT = 64 * 1024;

interface Ring {
  entries: SipLogEntryView[];
  bytes: number;
  dropped: number;
}

export class SipTrace implements Disposable {
  private readonly rings = new Map<string, Ring>();
  private readonly emitter = new Emitter<SipLogEntryView>();
  readonly onMessage: Event<SipLogEntryView> = this.emitter.event;
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  record(accountId: string, direction: SipLogEntryView['direction'], message: SipMessage, peer: TransportAddress): void {
    let raw = messageToString(message);
    if (raw.length > MAX_TEXT) raw = `${raw.slice(0, MAX_TEXT)}\r\n[… ${raw.length - MAX_TEXT} more characters not kept]`;
    const text = maskSipText(raw);
    const firstLine = text.slice(0, text.search(/\r?\n|$/));
    const cseq = message.headers.cseq();
    const entry: SipLogEntryView = {
      seq: ++this.seq,
      time: new Date(this.clock.now()).toISOString(),
      accountId,
      direction,
      remote: peer.host.includes(':') ? `[${peer.host}]:${peer.port}` : `${peer.host}:${peer.port}`,
      transport: peer.transport,
      firstLine,
      method: message.kind === 'request' ? message.method : (cseq?.method ?? ''),
      status: message.kind === 'response' ? message.status : null,
      callId: message.headers.callId() ?? null,
      bytes: Buffer.byteLength(raw),
      text,
    };
    let ring = this.rings.get(accountId);
    if (ring === undefined) this.rings.set(accountId, (ring = { entries: [], bytes: 0, dropped: 0 }));
    ring.entries.push(entry);
    ring.bytes += entry.text.length;
    while (ring.entries.length > MAX_ENTRIES || (ring.bytes > MAX_BYTES && ring.entries.length > 1)) {
      const old = ring.entries.shift()!;
      ring.bytes -= old.text.length;
      ring.dropped++;
    }
    this.emitter.fire(entry);
  }

  query(q: Partial<SipLogQuery>): SipLogPage {
    const rings = q.accountId === undefined ? [...this.rings.values()] : [this.rings.get(q.accountId)].filter((r): r is Ring => r !== undefined);
    const all = rings.flatMap((r) => r.entries).sort((a, b) => a.seq - b.seq);
    const calls = new Map<string, { callId: string; accountId: string; firstLine: string; time: string }>();
    for (const e of all) if (e.callId !== null && e.method === 'INVITE' && e.status === null && !calls.has(e.callId)) calls.set(e.callId, { callId: e.callId, accountId: e.accountId, firstLine: e.firstLine, time: e.time });
    const matching = q.callId === undefined ? all : all.filter((e) => e.callId === q.callId);
    const limit = q.limit ?? 500;
    return { entries: matching.slice(-limit), dropped: rings.reduce((n, r) => n + r.dropped, 0) + Math.max(0, matching.length - limit), calls: [...calls.values()].reverse() };
  }

  /** The log as text for a file or the diagnostics bundle (already masked). */
  exportText(q: Partial<SipLogQuery>, now: number): { text: string; count: number; fileName: string } {
    const page = this.query({ ...q, limit: q.limit ?? MAX_ENTRIES * 4 });
    const head = `# SIP log exported ${new Date(now).toISOString()}${q.accountId === undefined ? '' : `, account ${q.accountId}`}${q.callId === undefined ? '' : `, call ${q.callId}`}\n# Passwords, digest responses and SRTP keys are masked.${page.dropped > 0 ? ` ${page.dropped} older message(s) were no longer kept.` : ''}\n\n`;
    const body = page.entries
      .map((e) => `=== ${e.time} ${e.direction === 'sent' ? 'sent to' : 'received from'} ${e.remote} over ${e.transport} (account ${e.accountId}, ${e.bytes} bytes)\n${e.text.replace(/\r\n/g, '\n')}\n`)
      .join('\n');
    const stamp = new Date(now).toISOString().replace(/[:.]/g, '-');
    return { text: head + body, count: page.entries.length, fileName: `sip-log-${q.accountId ?? 'all'}-${stamp}.txt`.replace(/[^A-Za-z0-9._-]+/g, '_') };
  }

  forget(accountId: string): void {
    this.rings.delete(accountId);
  }

  dispose(): void {
    this.emitter.dispose();
    this.rings.clear();
  }
}

/** The phone's connection factory, with every message of every flow recorded in `trace`. */
export function tracingConnections(inner: SipConnectionFactory, trace: SipTrace): SipConnectionFactory {
  return {
    async create(accountId, account) {
      const r = await inner.create(accountId, account);
      return r.ok ? { ok: true, value: new TracedConnection(accountId, r.value, trace) } : r;
    },
  };
}

class TracedConnection implements SipConnection {
  readonly transport: SipConnection['transport'];

  constructor(
    private readonly accountId: string,
    private readonly inner: SipConnection,
    private readonly trace: SipTrace,
  ) {
    const port = inner.transport;
    this.transport = {
      get reliable() {
        return port.reliable;
      },
      send: (message, destination) => {
        const sent = port.send(message, destination);
        if (sent) trace.record(accountId, 'sent', message, destination);
        return sent;
      },
    };
  }

  get state(): SipConnection['state'] {
    return this.inner.state;
  }
  get onState(): SipConnection['onState'] {
    return this.inner.onState;
  }
  get onBindingChanged(): SipConnection['onBindingChanged'] {
    return this.inner.onBindingChanged;
  }

  connect(sink: Parameters<SipConnection['connect']>[0]): ReturnType<SipConnection['connect']> {
    return this.inner.connect({
      receive: (message, source) => {
        this.trace.record(this.accountId, 'received', message, source);
        sink.receive(message, source);
      },
    });
  }

  endpoint(): ReturnType<SipConnection['endpoint']> {
    return this.inner.endpoint();
  }
  start(): void {
    this.inner.start();
  }
  stop(): void {
    this.inner.stop();
  }
  reconnectNow(): void {
    this.inner.reconnectNow();
  }
  setServerFlowTimer(seconds: number): void {
    this.inner.setServerFlowTimer(seconds);
  }
  certificateReport(): ReturnType<SipConnection['certificateReport']> {
    return this.inner.certificateReport();
  }
  dispose(): void {
    this.inner.dispose();
  }
}
