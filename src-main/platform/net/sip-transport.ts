/**
 * The transaction layer's TransportPort (protocol/sip/transaction/transport-port.ts) implemented
 * on the platform's connections (RFC 3261 §18):
 *
 *  - `FlowSipTransport`: reliable; every message goes over the account's one persistent TLS/TCP
 *    flow (RFC 5626 §4.2; RFC 3261 §18.2.2 responses on the connection the request came in on);
 *    inbound bytes are framed by the flow, parsed here, and handed up with their source.
 *  - `DatagramSipTransport`: unreliable (the transactions retransmit, §17.1.1.2); one UDP socket.
 *
 * Inbound bytes go through the protocol's InboundParser: a message is handed up, a keep-alive
 * (RFC 5626 §4.4.1) is absorbed, and a malformed request is answered with its 400/505 (RFC 3261
 * §8.2.1, §21.4.1) over the same flow, or to the datagram's source; malformed responses and
 * garbage are counted and logged (redacted), never answered, never thrown.
 *
 * Both learn the public address the server sees from the top Via of responses (RFC 3581 §4,
 * `received`/`rport`) for Contact behind NAT (nat-binding.ts) - only from a response that answers
 * a REGISTER we sent, from where it went (sent-requests.ts): a stray response never moves the
 * binding (issue 15, a stranger could otherwise trigger a re-REGISTER storm or steer our Contact).
 * The UDP socket goes further and drops every response that matches none of our requests, or
 * that comes from another address than the one its request went to (RFC 3581 §4: the server
 * answers from where it received). DEVIATION(RFC 3261 §18.1.2): a server that answers UDP from
 * another port than it was sent to (no rport support) is not heard.
 *
 * On the flow, a REGISTER that gets no response at all within `unansweredRegisterMs` (default
 * 64·T1, the transaction's own Timer F) means the flow is open but dead: it is abandoned
 * (account-flow.ts), and the reconnect moves to the next target.
 */
import { SystemClock, type Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { randomBytes } from 'node:crypto';
import { InboundParser, type InboundCounters } from '../../protocol/sip/message/inbound-parser.js';
import { serializeMessage } from '../../protocol/sip/message/serializer.js';
import type { SipMessage } from '../../protocol/sip/message/message.js';
import type { TransportAddress, TransportPort } from '../../protocol/sip/transaction/transport-port.js';
import type { AccountFlow, InboundMessage } from './account-flow.js';
import { NatBindingTracker } from './nat-binding.js';
import { SentRequests } from './sent-requests.js';
import { normalizeAddress } from './sip-hop.js';
import type { FlowInfo } from './sip-stream-flow.js';
import { MTU_SAFE_SIZE, type Datagram, type UdpSipTransport } from './udp-transport.js';

export interface ReceivedMessage {
  readonly message: SipMessage;
  readonly source: TransportAddress;
}

/** Whatever consumes parsed inbound messages - the transaction layer's `receive`. */
export interface MessageSink {
  receive(message: SipMessage, source: TransportAddress): void;
}

/** A To tag for our 400s (RFC 3261 §8.2.6.2: a UAS adds one when the request's To has none). */
function errorToTag(): string {
  return randomBytes(4).toString('hex');
}

function observeVia(tracker: NatBindingTracker | undefined, message: SipMessage): void {
  if (tracker === undefined || message.kind !== 'response') return;
  const via = message.headers.topVia();
  if (via === undefined) return;
  tracker.observe({ ...(via.received === undefined ? {} : { received: via.received }), ...(typeof via.rport === 'number' ? { rport: via.rport } : {}) });
}

export interface SipTransportOptions {
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** 64·T1 of the transactions above (default 32 000 ms). */
  readonly transactionMs?: number;
  /**
   * A REGISTER with no response at all after this long abandons the flow (default `transactionMs`);
   * over UDP it moves the account to the next server (default `transactionMs / 2`).
   */
  readonly unansweredRegisterMs?: number;
}

const DEFAULT_TRANSACTION_MS = 32_000;

/**
 * One timer per REGISTER sent (RFC 5626 §4.4.1 / issue 15): if nothing has answered it after
 * `ms`, `unanswered` runs. An answer settles its timer; `clear` drops them all.
 */
class RegisterWatchdogs {
  private readonly timers = new Map<string, Disposable>();

  constructor(
    private readonly clock: Clock,
    readonly ms: number,
    private readonly sent: SentRequests,
  ) {}

  watch(key: string, unanswered: () => void): void {
    this.timers.get(key)?.dispose();
    this.timers.set(
      key,
      this.clock.setTimer(this.ms, () => {
        this.timers.delete(key);
        if (this.sent.get(key)?.answered !== true) unanswered();
      }),
    );
  }

  settle(key: string): void {
    this.timers.get(key)?.dispose();
    this.timers.delete(key);
  }

  clear(): void {
    for (const t of this.timers.values()) t.dispose();
    this.timers.clear();
  }
}

export class FlowSipTransport implements TransportPort, Disposable {
  readonly reliable = true;
  private readonly emitter = new Emitter<ReceivedMessage>();
  /** Parsed inbound messages with their source (the flow's remote address and id). */
  readonly onMessage: Event<ReceivedMessage> = this.emitter.event;
  private readonly subscription: Disposable;
  private readonly stateSubscription: Disposable;
  private tracker: NatBindingTracker | undefined;
  private trackedFlow: string | undefined;
  private readonly parser: InboundParser;
  private readonly sent: SentRequests;
  /** Per REGISTER sent on the current flow: the timer that abandons the flow if nothing answers. */
  private readonly watchdogs: RegisterWatchdogs;

  constructor(
    private readonly flow: AccountFlow,
    private readonly logger?: Logger,
    options: SipTransportOptions = {},
  ) {
    this.parser = new InboundParser(logger, errorToTag);
    const clock = options.clock ?? new SystemClock({ unrefTimers: true });
    const transactionMs = options.transactionMs ?? DEFAULT_TRANSACTION_MS;
    this.sent = new SentRequests(clock, { transactionMs });
    this.watchdogs = new RegisterWatchdogs(clock, options.unansweredRegisterMs ?? transactionMs, this.sent);
    this.subscription = flow.onMessage((m) => this.inbound(m));
    this.stateSubscription = flow.onState((s) => {
      if (s.kind === 'connected') this.bindingFor(s.flow);
    });
    const info = flow.flowInfo;
    if (info !== undefined) this.bindingFor(info);
  }

  /** What arrived so far: messages, keep-alives, malformed input by parse error code. */
  get inboundCounters(): InboundCounters {
    return this.parser.counters;
  }

  /** The current flow's NAT binding (public address for Contact), if connected. */
  get natBinding(): NatBindingTracker | undefined {
    return this.tracker;
  }

  /** The Via transport token and sent-by for requests on the current flow. */
  get localVia(): { transport: 'TLS' | 'TCP'; host: string; port: number } | undefined {
    const info = this.flow.flowInfo;
    if (info === undefined) return undefined;
    return { transport: info.transport === 'tls' ? 'TLS' : 'TCP', host: info.local.address, port: info.local.port };
  }

  /** Connects the transport to a consumer (the transaction layer). */
  connect(sink: MessageSink): Disposable {
    return this.onMessage(({ message, source }) => sink.receive(message, source));
  }

  send(message: SipMessage, destination: TransportAddress): boolean {
    const info = this.flow.flowInfo;
    if (info === undefined) return false;
    // A response must go back on the connection its request arrived on (RFC 3261 §18.2.2).
    if (destination.connectionId !== undefined && destination.connectionId !== info.id) return false;
    if (!this.flow.send(serializeMessage(message)).ok) return false;
    if (message.kind === 'request') {
      const key = this.sent.sent(message, info.id);
      if (key !== undefined && message.method === 'REGISTER') this.watch(key, info.id);
    }
    return true;
  }

  dispose(): void {
    this.subscription.dispose();
    this.stateSubscription.dispose();
    this.tracker?.dispose();
    this.emitter.dispose();
    this.watchdogs.clear();
    this.sent.clear();
  }

  /** RFC 5626 §4.4.1 / issue 15: a REGISTER nothing answered on an open flow means the flow is dead. */
  private watch(key: string, flowId: string): void {
    this.watchdogs.watch(key, () => {
      if (this.flow.flowInfo?.id !== flowId) return;
      const ms = this.watchdogs.ms;
      this.logger?.warn('REGISTER unanswered on an open flow: abandoning the flow', { afterMs: ms });
      this.flow.abandon(flowId, `REGISTER unanswered for ${ms} ms`);
    });
  }

  private bindingFor(info: FlowInfo): void {
    if (this.trackedFlow === info.id) return;
    this.tracker?.dispose();
    if (this.trackedFlow !== undefined) this.sent.forget(this.trackedFlow);
    this.watchdogs.clear();
    this.trackedFlow = info.id;
    this.tracker = new NatBindingTracker(info.local);
  }

  private inbound(m: InboundMessage): void {
    const r = this.parser.accept(m.bytes, m.flow.id);
    switch (r.kind) {
      case 'message': {
        this.bindingFor(m.flow);
        const answered = r.message.kind === 'response' ? this.sent.match(r.message, m.flow.id) : undefined;
        if (answered !== undefined) this.watchdogs.settle(answered.key);
        const tracker = this.tracker;
        this.emitter.fire({
          message: r.message,
          source: { transport: m.flow.transport === 'tls' ? 'TLS' : 'TCP', host: m.flow.remote.address, port: m.flow.remote.port, connectionId: m.flow.id },
        });
        // The binding moves only for an answer to our REGISTER on this flow (issue 15), and after
        // the registration has seen that answer: the change then re-registers with the new Contact.
        if (answered?.method === 'REGISTER' && tracker === this.tracker) observeVia(tracker, r.message);
        return;
      }
      case 'keepalive':
        return;
      case 'rejected':
        // §18.2.2: the answer goes back on the connection the request came in on, if it is still ours.
        if (r.reply !== undefined && this.flow.flowInfo?.id === m.flow.id) this.flow.send(serializeMessage(r.reply));
    }
  }
}

export class DatagramSipTransport implements TransportPort, Disposable {
  readonly reliable = false;
  private readonly emitter = new Emitter<ReceivedMessage>();
  readonly onMessage: Event<ReceivedMessage> = this.emitter.event;
  readonly natBinding: NatBindingTracker;
  private readonly subscription: Disposable;
  private readonly parser: InboundParser;
  private readonly sent: SentRequests;
  private strangers = 0;

  /** Per REGISTER sent: the timer that reports it unanswered (retransmissions do not re-arm it). */
  private readonly watchdogs: RegisterWatchdogs;
  private readonly unansweredEmitter = new Emitter<string>();
  /**
   * A REGISTER got no response at all within `unansweredRegisterMs` (default half of 64·T1: six
   * retransmissions unanswered): its destination (`host:port`), so the connection can move to the
   * next server (RFC 3263 §4.3) before the transaction itself times out.
   */
  readonly onRegisterUnanswered: Event<string> = this.unansweredEmitter.event;

  constructor(
    private readonly udp: UdpSipTransport,
    private readonly logger?: Logger,
    options: SipTransportOptions = {},
  ) {
    this.parser = new InboundParser(logger, errorToTag);
    const clock = options.clock ?? new SystemClock({ unrefTimers: true });
    const transactionMs = options.transactionMs ?? DEFAULT_TRANSACTION_MS;
    this.sent = new SentRequests(clock, { transactionMs });
    this.watchdogs = new RegisterWatchdogs(clock, options.unansweredRegisterMs ?? transactionMs / 2, this.sent);
    this.natBinding = new NatBindingTracker(udp.local);
    this.subscription = udp.onDatagram((d) => this.inbound(d));
  }

  /** Responses dropped because they answer none of our requests from where it went. */
  get strangerResponses(): number {
    return this.strangers;
  }

  /** What arrived so far: messages, keep-alives, malformed input by parse error code. */
  get inboundCounters(): InboundCounters {
    return this.parser.counters;
  }

  connect(sink: MessageSink): Disposable {
    return this.onMessage(({ message, source }) => sink.receive(message, source));
  }

  send(message: SipMessage, destination: TransportAddress): boolean {
    const bytes = serializeMessage(message);
    // DEVIATION(RFC 3261 §18.1.1): a request over 1300 bytes should move to TCP; an account that
    // chose UDP has no TCP flow here, so it is sent anyway (IP fragmentation) with a warning.
    if (bytes.length > MTU_SAFE_SIZE) this.logger?.warn('SIP message larger than the UDP MTU limit', { bytes: bytes.length });
    if (message.kind === 'request') {
      const to = `${normalizeAddress(destination.host)}:${destination.port}`;
      const key = this.sent.sent(message, to);
      if (key !== undefined && message.method === 'REGISTER') {
        this.watchdogs.watch(key, () => {
          this.logger?.warn('REGISTER unanswered over UDP', { afterMs: this.watchdogs.ms, to });
          this.unansweredEmitter.fire(to);
        });
      }
    }
    this.sendBytes(bytes, destination.host, destination.port);
    return true;
  }

  private sendBytes(bytes: Uint8Array, host: string, port: number): void {
    void this.udp.send(bytes, host, port).then((r) => {
      if (!r.ok) this.logger?.warn('UDP send failed', { code: r.error.code });
    });
  }

  dispose(): void {
    this.subscription.dispose();
    this.natBinding.dispose();
    this.emitter.dispose();
    this.unansweredEmitter.dispose();
    this.watchdogs.clear();
    this.sent.clear();
  }

  private inbound(d: Datagram): void {
    const r = this.parser.accept(d.bytes, `${d.address}:${d.port}`);
    switch (r.kind) {
      case 'message':
        if (r.message.kind === 'response') {
          const answered = this.sent.match(r.message, `${normalizeAddress(d.address)}:${d.port}`);
          if (answered === undefined) {
            // A stranger's (or a late) response: it reaches no transaction and teaches us nothing.
            this.strangers++;
            if (this.strangers === 1 || this.strangers % 1000 === 0) this.logger?.info('dropped UDP responses that answer none of our requests', { count: this.strangers });
            return;
          }
          this.watchdogs.settle(answered.key);
          this.emitter.fire({ message: r.message, source: { transport: 'UDP', host: d.address, port: d.port } });
          // After the registration saw the answer, so a moved binding re-registers with the new Contact.
          if (answered.method === 'REGISTER') observeVia(this.natBinding, r.message);
          return;
        }
        this.emitter.fire({ message: r.message, source: { transport: 'UDP', host: d.address, port: d.port } });
        return;
      case 'keepalive':
        return;
      case 'rejected':
        // The Via of a malformed request may be unusable, so the answer goes to the datagram's source.
        if (r.reply !== undefined) this.sendBytes(serializeMessage(r.reply), d.address, d.port);
    }
  }
}
