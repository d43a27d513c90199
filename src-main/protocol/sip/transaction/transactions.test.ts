/**
 * RFC 3261 §17 transaction state machines with RFC 6026 (Accepted state, Timers L and M), driven by
 * a FakeClock over a fake transport. TRANSITIONS below names every transition and timer; each row is
 * one test, and a final test checks that the transitions the tests observed are exactly the table.
 * Timers covered: A, B, D, E, F, G, H, I, J, K (RFC 3261), L, M (RFC 6026) and the 200 ms 100-Trying
 * delay (§17.2.1). Timer C belongs to proxies (§16.6) and has no place in a user agent.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/fakes/fake-clock.js';
import { createRequest, createResponse } from '../message/builders.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/message.js';
import { tagOf } from '../message/name-addr.js';
import { parseMessage } from '../message/parser.js';
import { serializeMessage } from '../message/serializer.js';
import { sipUri } from '../message/uri.js';
import { createVia } from '../message/via.js';
import { createCancel } from './cancel-and-ack.js';
import type { ClientTransactionUser } from './client-transaction-user.js';
import type { Event } from '../../../base/event.js';
import type { StateChange } from './transaction-base.js';
import type { InviteClientTransaction } from './invite-client-transaction.js';
import type { InviteServerTransaction } from './invite-server-transaction.js';
import type { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import type { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { TransactionLayer, type IncomingRequest, type ServerTransaction } from './transaction-layer.js';
import type { TransportAddress, TransportPort } from './transport-port.js';

const T1 = 500;
const T2 = 4000;
const T4 = 5000;

interface Sent {
  readonly at: number;
  readonly message: SipMessage;
  readonly to: TransportAddress;
}

/** A transport that records what is sent (through the real serializer and parser) and can fail. */
class FakeTransport implements TransportPort {
  readonly sent: Sent[] = [];
  failing = false;
  constructor(
    readonly reliable: boolean,
    private readonly clock: FakeClock,
  ) {}
  send(message: SipMessage, to: TransportAddress): boolean {
    if (this.failing) return false;
    const wire = parseMessage(serializeMessage(message));
    if (!wire.ok) throw new Error(`sent an unparseable message: ${wire.error.message}`);
    this.sent.push({ at: this.clock.monotonic(), message: wire.value, to });
    return true;
  }
  take(): Sent[] {
    return this.sent.splice(0);
  }
  methods(): string[] {
    return this.sent.map((s) => (s.message.kind === 'request' ? s.message.method : String(s.message.status)));
  }
}

const SERVER: TransportAddress = { transport: 'UDP', host: '192.0.2.10', port: 5060 };
const PEER: TransportAddress = { transport: 'UDP', host: '198.51.100.7', port: 40000 };

let branchSeq = 0;
function request(method: string, opts: { branch?: string; toTag?: string; cseq?: number; fromTag?: string; callId?: string } = {}): SipRequest {
  const branch = opts.branch ?? `z9hG4bKtest${++branchSeq}`;
  return createRequest({
    method,
    uri: sipUri({ user: 'bob', host: 'biloxi.example.com' }),
    via: [createVia({ transport: 'UDP', host: '198.51.100.7', port: 40000, branch, rport: true })],
    from: { displayName: undefined, uri: sipUri({ user: 'alice', host: 'atlanta.example.com' }), params: [{ name: 'tag', value: opts.fromTag ?? 'ftag' }] },
    to: { displayName: undefined, uri: sipUri({ user: 'bob', host: 'biloxi.example.com' }), params: opts.toTag === undefined ? [] : [{ name: 'tag', value: opts.toTag }] },
    callId: opts.callId ?? 'call-1@atlanta.example.com',
    cseq: opts.cseq ?? 1,
  });
}

function respond(req: SipRequest, status: number, toTag = 'ttag'): SipResponse {
  return createResponse(req, status, undefined, { toTag });
}

class RecordingUser implements ClientTransactionUser {
  readonly responses: number[] = [];
  timeouts = 0;
  transportErrors = 0;
  receiveResponse(r: SipResponse): void {
    this.responses.push(r.status);
  }
  timeout(): void {
    this.timeouts++;
  }
  transportError(): void {
    this.transportErrors++;
  }
}

type Machine = 'ICT' | 'NICT' | 'IST' | 'NIST';
const observed = new Set<string>();

function watch(machine: Machine, tx: { onStateChange: Event<StateChange<string>> }): void {
  tx.onStateChange((c) => observed.add(`${machine} ${c.from}->${c.to}`));
}

interface Harness {
  clock: FakeClock;
  transport: FakeTransport;
  layer: TransactionLayer;
  requests: IncomingRequest[];
  acks: SipRequest[];
  strays: SipResponse[];
}

const live: Harness[] = [];

function harness(reliable = false): Harness {
  const clock = new FakeClock();
  const transport = new FakeTransport(reliable, clock);
  const layer = new TransactionLayer({ transport, clock, timers: { T1, T2, T4 } });
  const h: Harness = { clock, transport, layer, requests: [], acks: [], strays: [] };
  layer.onRequest((r) => {
    h.requests.push(r);
    watch(r.transaction.kind === 'invite-server' ? 'IST' : 'NIST', r.transaction);
  });
  layer.onAck((a) => h.acks.push(a.ack));
  layer.onStrayResponse((s) => h.strays.push(s.response));
  live.push(h);
  return h;
}

afterEach(() => {
  // Leak check (DESIGN.md rule 8): after disposal no timer may remain.
  for (const h of live.splice(0)) {
    h.layer.dispose();
    expect(h.clock.pendingTimers).toBe(0);
  }
});

function clientInvite(h: Harness, user = new RecordingUser()): { tx: InviteClientTransaction; req: SipRequest; user: RecordingUser } {
  const req = request('INVITE');
  const tx = h.layer.sendRequest(req, SERVER, user) as InviteClientTransaction;
  watch('ICT', tx);
  return { tx, req, user };
}

function clientNonInvite(h: Harness, method = 'OPTIONS', user = new RecordingUser()): { tx: NonInviteClientTransaction; req: SipRequest; user: RecordingUser } {
  const req = request(method);
  const tx = h.layer.sendRequest(req, SERVER, user) as NonInviteClientTransaction;
  watch('NICT', tx);
  return { tx, req, user };
}

function serverTx<T extends ServerTransaction>(h: Harness, req: SipRequest): T {
  h.layer.receive(req, PEER);
  const incoming = h.requests.at(-1);
  if (incoming === undefined) throw new Error('no server transaction');
  return incoming.transaction as T;
}

const sentTimes = (h: Harness, what: string): number[] => h.transport.sent.filter((s) => (s.message.kind === 'request' ? s.message.method : String(s.message.status)) === what).map((s) => s.at);

/** Each row: machine, from → to, the event or timer, and the RFC section. */
const TRANSITIONS: ReadonlyArray<{ machine: Machine; from: string; to: string; event: string; rfc: string; run: () => void }> = [
  // INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2)
  { machine: 'ICT', from: 'Calling', to: 'Calling', event: 'Timer A: retransmit INVITE at T1, 2T1, 4T1… (unreliable only)', rfc: '§17.1.1.2', run: () => {
    const h = harness();
    clientInvite(h);
    h.clock.advance(T1 * 15);
    expect(sentTimes(h, 'INVITE')).toEqual([0, T1, 3 * T1, 7 * T1, 15 * T1]);
    const r = harness(true);
    clientInvite(r);
    r.clock.advance(T1 * 15);
    expect(sentTimes(r, 'INVITE')).toEqual([0]);
  } },
  { machine: 'ICT', from: 'Calling', to: 'Proceeding', event: '1xx received (retransmissions stop)', rfc: '§17.1.1.2', run: () => {
    const h = harness();
    const { tx, req, user } = clientInvite(h);
    h.layer.receive(respond(req, 180), SERVER);
    expect(tx.state).toBe('Proceeding');
    h.clock.advance(64 * T1);
    expect(sentTimes(h, 'INVITE')).toEqual([0]);
    expect(user.responses).toEqual([180]);
    expect(user.timeouts).toBe(0);
  } },
  { machine: 'ICT', from: 'Calling', to: 'Accepted', event: '2xx received: passed to the TU, Timer M starts', rfc: 'RFC 6026 §7.2', run: () => {
    const h = harness();
    const { tx, req, user } = clientInvite(h);
    h.layer.receive(respond(req, 200), SERVER);
    expect([tx.state, user.responses, tx.activeTimers]).toEqual(['Accepted', [200], ['M']]);
    expect(h.transport.methods()).toEqual(['INVITE']); // no ACK for 2xx from the transaction
  } },
  { machine: 'ICT', from: 'Calling', to: 'Completed', event: '300-699 received: ACK sent, Timer D starts', rfc: '§17.1.1.2, §17.1.1.3', run: () => {
    const h = harness();
    const { tx, req, user } = clientInvite(h);
    h.layer.receive(respond(req, 486), SERVER);
    expect([tx.state, user.responses, tx.activeTimers]).toEqual(['Completed', [486], ['D']]);
    const ack = h.transport.sent.at(-1)!.message as SipRequest;
    expect(ack.method).toBe('ACK');
    expect(ack.headers.topVia()?.branch).toBe(req.headers.topVia()?.branch);
    expect(tagOf(ack.headers.to()!)).toBe('ttag');
    expect(ack.headers.cseq()).toEqual({ seq: 1, method: 'ACK' });
    expect(h.transport.sent.at(-1)!.to).toEqual(SERVER);
  } },
  { machine: 'ICT', from: 'Calling', to: 'Terminated', event: 'Timer B (64·T1): TU told of the timeout', rfc: '§17.1.1.2', run: () => {
    const h = harness();
    const { tx, user } = clientInvite(h);
    h.clock.advance(64 * T1 - 1);
    expect(tx.state).toBe('Calling');
    h.clock.advance(1);
    expect([tx.state, user.timeouts, h.layer.size]).toEqual(['Terminated', 1, 0]);
  } },
  { machine: 'ICT', from: 'Calling', to: 'Terminated', event: 'transport error on the first send', rfc: '§17.1.4', run: () => {
    const h = harness();
    h.transport.failing = true;
    const { tx, user } = clientInvite(h);
    expect([tx.state, user.transportErrors, h.layer.size]).toEqual(['Terminated', 1, 0]);
  } },
  { machine: 'ICT', from: 'Proceeding', to: 'Proceeding', event: 'further 1xx passed to the TU', rfc: '§17.1.1.2', run: () => {
    const h = harness();
    const { tx, req, user } = clientInvite(h);
    h.layer.receive(respond(req, 100), SERVER);
    h.layer.receive(respond(req, 183), SERVER);
    expect([tx.state, user.responses]).toEqual(['Proceeding', [100, 183]]);
  } },
  { machine: 'ICT', from: 'Proceeding', to: 'Accepted', event: '2xx received', rfc: 'RFC 6026 §7.2', run: () => {
    const h = harness();
    const { tx, req } = clientInvite(h);
    h.layer.receive(respond(req, 180), SERVER);
    h.layer.receive(respond(req, 200), SERVER);
    expect(tx.state).toBe('Accepted');
  } },
  { machine: 'ICT', from: 'Proceeding', to: 'Completed', event: '300-699 received: ACK sent', rfc: '§17.1.1.2', run: () => {
    const h = harness();
    const { tx, req } = clientInvite(h);
    h.layer.receive(respond(req, 180), SERVER);
    h.layer.receive(respond(req, 603), SERVER);
    expect([tx.state, h.transport.methods()]).toEqual(['Completed', ['INVITE', 'ACK']]);
  } },
  { machine: 'ICT', from: 'Completed', to: 'Completed', event: 'retransmitted final response: ACK resent, not passed up', rfc: '§17.1.1.2', run: () => {
    const h = harness();
    const { tx, req, user } = clientInvite(h);
    h.layer.receive(respond(req, 404), SERVER);
    h.layer.receive(respond(req, 404), SERVER);
    expect([tx.state, h.transport.methods(), user.responses]).toEqual(['Completed', ['INVITE', 'ACK', 'ACK'], [404]]);
  } },
  { machine: 'ICT', from: 'Completed', to: 'Terminated', event: 'Timer D (32 s unreliable, 0 reliable)', rfc: '§17.1.1.2', run: () => {
    const h = harness();
    const { tx, req } = clientInvite(h);
    h.layer.receive(respond(req, 404), SERVER);
    h.clock.advance(31_999);
    expect(tx.state).toBe('Completed');
    h.clock.advance(1);
    expect(tx.state).toBe('Terminated');
    const r = harness(true);
    const rel = clientInvite(r);
    r.layer.receive(respond(rel.req, 404), SERVER);
    r.clock.advance(0);
    expect(rel.tx.state).toBe('Terminated');
  } },
  { machine: 'ICT', from: 'Completed', to: 'Terminated', event: 'transport error sending the ACK', rfc: '§17.1.4', run: () => {
    const h = harness();
    const { tx, req, user } = clientInvite(h);
    h.transport.failing = true;
    h.layer.receive(respond(req, 500), SERVER);
    expect([tx.state, user.transportErrors]).toEqual(['Terminated', 1]);
  } },
  { machine: 'ICT', from: 'Accepted', to: 'Accepted', event: 'further 2xx (retransmission or fork) passed to the TU; others dropped', rfc: 'RFC 6026 §7.2', run: () => {
    const h = harness();
    const { tx, req, user } = clientInvite(h);
    h.layer.receive(respond(req, 200, 'a'), SERVER);
    h.layer.receive(respond(req, 200, 'b'), SERVER);
    h.layer.receive(respond(req, 180, 'c'), SERVER);
    h.layer.receive(respond(req, 486, 'd'), SERVER);
    expect([tx.state, user.responses]).toEqual(['Accepted', [200, 200]]);
  } },
  { machine: 'ICT', from: 'Accepted', to: 'Terminated', event: 'Timer M (64·T1); later 2xx become stray for the dialog layer', rfc: 'RFC 6026 §7.2', run: () => {
    const h = harness(true);
    const { tx, req } = clientInvite(h);
    h.layer.receive(respond(req, 200), SERVER);
    h.clock.advance(64 * T1);
    expect(tx.state).toBe('Terminated');
    h.layer.receive(respond(req, 200), SERVER);
    expect(h.strays.map((s) => s.status)).toEqual([200]);
  } },

  // non-INVITE client transaction (RFC 3261 §17.1.2)
  { machine: 'NICT', from: 'Trying', to: 'Trying', event: 'Timer E: retransmit at T1, 2T1, 4T1, capped at T2 (unreliable only)', rfc: '§17.1.2.2', run: () => {
    const h = harness();
    clientNonInvite(h);
    h.clock.advance(T1 + 2 * T1 + 4 * T1 + T2 + T2);
    expect(sentTimes(h, 'OPTIONS')).toEqual([0, 500, 1500, 3500, 7500, 11500]);
    const r = harness(true);
    clientNonInvite(r);
    r.clock.advance(10_000);
    expect(sentTimes(r, 'OPTIONS')).toEqual([0]);
  } },
  { machine: 'NICT', from: 'Trying', to: 'Proceeding', event: '1xx received', rfc: '§17.1.2.2', run: () => {
    const h = harness();
    const { tx, req, user } = clientNonInvite(h);
    h.layer.receive(respond(req, 100), SERVER);
    expect([tx.state, user.responses]).toEqual(['Proceeding', [100]]);
  } },
  { machine: 'NICT', from: 'Trying', to: 'Completed', event: '200-699 received: Timer K starts', rfc: '§17.1.2.2', run: () => {
    const h = harness();
    const { tx, req, user } = clientNonInvite(h);
    h.layer.receive(respond(req, 200), SERVER);
    expect([tx.state, user.responses, tx.activeTimers]).toEqual(['Completed', [200], ['K']]);
  } },
  { machine: 'NICT', from: 'Trying', to: 'Terminated', event: 'Timer F (64·T1): timeout', rfc: '§17.1.2.2', run: () => {
    const h = harness();
    const { tx, user } = clientNonInvite(h);
    h.clock.advance(64 * T1);
    expect([tx.state, user.timeouts]).toEqual(['Terminated', 1]);
  } },
  { machine: 'NICT', from: 'Trying', to: 'Terminated', event: 'transport error', rfc: '§17.1.4', run: () => {
    const h = harness();
    h.transport.failing = true;
    const { tx, user } = clientNonInvite(h);
    expect([tx.state, user.transportErrors]).toEqual(['Terminated', 1]);
  } },
  { machine: 'NICT', from: 'Proceeding', to: 'Proceeding', event: 'Timer E every T2; further 1xx passed up', rfc: '§17.1.2.2', run: () => {
    const h = harness();
    const { tx, req, user } = clientNonInvite(h, 'REGISTER');
    h.layer.receive(respond(req, 100), SERVER);
    h.clock.advance(T1 + 3 * T2);
    expect(sentTimes(h, 'REGISTER')).toEqual([0, 500, 4500, 8500, 12500].filter((t) => t <= T1 + 3 * T2));
    h.layer.receive(respond(req, 183), SERVER);
    expect([tx.state, user.responses]).toEqual(['Proceeding', [100, 183]]);
  } },
  { machine: 'NICT', from: 'Proceeding', to: 'Completed', event: '200-699 received', rfc: '§17.1.2.2', run: () => {
    const h = harness();
    const { tx, req } = clientNonInvite(h);
    h.layer.receive(respond(req, 100), SERVER);
    h.layer.receive(respond(req, 401), SERVER);
    expect(tx.state).toBe('Completed');
  } },
  { machine: 'NICT', from: 'Proceeding', to: 'Terminated', event: 'Timer F', rfc: '§17.1.2.2', run: () => {
    const h = harness(true);
    const { tx, req, user } = clientNonInvite(h);
    h.layer.receive(respond(req, 100), SERVER);
    h.clock.advance(64 * T1);
    expect([tx.state, user.timeouts]).toEqual(['Terminated', 1]);
  } },
  { machine: 'NICT', from: 'Proceeding', to: 'Terminated', event: 'transport error on a retransmission', rfc: '§17.1.4', run: () => {
    const h = harness();
    const { tx, req, user } = clientNonInvite(h);
    h.layer.receive(respond(req, 100), SERVER);
    h.transport.failing = true;
    h.clock.advance(T1);
    expect([tx.state, user.transportErrors]).toEqual(['Terminated', 1]);
  } },
  { machine: 'NICT', from: 'Completed', to: 'Completed', event: 'retransmitted responses absorbed', rfc: '§17.1.2.2', run: () => {
    const h = harness();
    const { tx, req, user } = clientNonInvite(h);
    h.layer.receive(respond(req, 200), SERVER);
    h.layer.receive(respond(req, 200), SERVER);
    expect([tx.state, user.responses]).toEqual(['Completed', [200]]);
  } },
  { machine: 'NICT', from: 'Completed', to: 'Terminated', event: 'Timer K (T4 unreliable, 0 reliable)', rfc: '§17.1.2.2', run: () => {
    const h = harness();
    const { tx, req } = clientNonInvite(h);
    h.layer.receive(respond(req, 200), SERVER);
    h.clock.advance(T4 - 1);
    expect(tx.state).toBe('Completed');
    h.clock.advance(1);
    expect(tx.state).toBe('Terminated');
    const r = harness(true);
    const rel = clientNonInvite(r);
    r.layer.receive(respond(rel.req, 200), SERVER);
    r.clock.advance(0);
    expect(rel.tx.state).toBe('Terminated');
  } },

  // INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1)
  { machine: 'IST', from: 'Proceeding', to: 'Proceeding', event: '100 Trying after 200 ms unless the TU answered; INVITE retransmission gets the last provisional', rfc: '§17.2.1', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    h.clock.advance(199);
    expect(h.transport.methods()).toEqual([]);
    h.clock.advance(1);
    expect(h.transport.methods()).toEqual(['100']);
    tx.respond(respond(req, 180));
    h.layer.receive(req, PEER);
    expect([tx.state, h.transport.methods()]).toEqual(['Proceeding', ['100', '180', '180']]);
    const quick = request('INVITE');
    const tx2 = serverTx<InviteServerTransaction>(h, quick);
    tx2.respond(respond(quick, 180));
    h.clock.advance(1000);
    expect(h.transport.sent.filter((s) => s.message.kind === 'response' && s.message.status === 100)).toHaveLength(1);
  } },
  { machine: 'IST', from: 'Proceeding', to: 'Accepted', event: 'TU sends 2xx: Timer L starts', rfc: 'RFC 6026 §7.1', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    expect(tx.respond(respond(req, 200))).toBe(true);
    expect([tx.state, tx.activeTimers]).toEqual(['Accepted', ['L']]);
  } },
  { machine: 'IST', from: 'Proceeding', to: 'Completed', event: 'TU sends 300-699: Timers G and H start', rfc: '§17.2.1', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    tx.respond(respond(req, 486));
    expect([tx.state, tx.activeTimers]).toEqual(['Completed', ['G', 'H']]);
    const r = harness(true);
    const rreq = request('INVITE');
    const rtx = serverTx<InviteServerTransaction>(r, rreq);
    rtx.respond(respond(rreq, 486));
    expect(rtx.activeTimers).toEqual(['H']);
  } },
  { machine: 'IST', from: 'Proceeding', to: 'Terminated', event: 'transport error', rfc: '§17.2.4', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    let errors = 0;
    tx.onTransportError(() => errors++);
    h.transport.failing = true;
    tx.respond(respond(req, 180));
    expect([tx.state, errors]).toEqual(['Terminated', 1]);
  } },
  { machine: 'IST', from: 'Completed', to: 'Completed', event: 'Timer G retransmits the final response at T1, 2T1… capped at T2; INVITE retransmission answered', rfc: '§17.2.1', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    tx.respond(respond(req, 486));
    h.clock.advance(T1 + 2 * T1 + 4 * T1 + T2 + T2);
    expect(sentTimes(h, '486')).toEqual([0, 500, 1500, 3500, 7500, 11500]);
    h.layer.receive(req, PEER);
    expect(sentTimes(h, '486')).toHaveLength(7);
    expect(tx.state).toBe('Completed');
  } },
  { machine: 'IST', from: 'Completed', to: 'Confirmed', event: 'ACK received (matched by branch, sent-by, method): Timer I starts', rfc: '§17.2.1, §17.2.3', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    tx.respond(respond(req, 486));
    const ack = createRequest({ ...fieldsOf(req), method: 'ACK' });
    h.layer.receive(ack, PEER);
    expect([tx.state, tx.activeTimers, h.acks]).toEqual(['Confirmed', ['I'], []]);
  } },
  { machine: 'IST', from: 'Completed', to: 'Terminated', event: 'Timer H (64·T1) without ACK: TU told', rfc: '§17.2.1', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    let timeouts = 0;
    tx.onTimeout(() => timeouts++);
    tx.respond(respond(req, 500));
    h.clock.advance(64 * T1);
    expect([tx.state, timeouts]).toEqual(['Terminated', 1]);
  } },
  { machine: 'IST', from: 'Completed', to: 'Terminated', event: 'transport error retransmitting the final response', rfc: '§17.2.4', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    tx.respond(respond(req, 500));
    h.transport.failing = true;
    h.clock.advance(T1);
    expect(tx.state).toBe('Terminated');
  } },
  { machine: 'IST', from: 'Confirmed', to: 'Confirmed', event: 'further ACKs and INVITEs absorbed', rfc: '§17.2.1', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    tx.respond(respond(req, 486));
    const ack = createRequest({ ...fieldsOf(req), method: 'ACK' });
    h.layer.receive(ack, PEER);
    const before = h.transport.sent.length;
    h.layer.receive(ack, PEER);
    h.layer.receive(req, PEER);
    expect([tx.state, h.transport.sent.length, h.acks.length]).toEqual(['Confirmed', before, 0]);
  } },
  { machine: 'IST', from: 'Confirmed', to: 'Terminated', event: 'Timer I (T4 unreliable, 0 reliable)', rfc: '§17.2.1', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    tx.respond(respond(req, 486));
    h.layer.receive(createRequest({ ...fieldsOf(req), method: 'ACK' }), PEER);
    h.clock.advance(T4);
    expect(tx.state).toBe('Terminated');
    const r = harness(true);
    const rreq = request('INVITE');
    const rtx = serverTx<InviteServerTransaction>(r, rreq);
    rtx.respond(respond(rreq, 486));
    r.layer.receive(createRequest({ ...fieldsOf(rreq), method: 'ACK' }), PEER);
    r.clock.advance(0);
    expect(rtx.state).toBe('Terminated');
  } },
  { machine: 'IST', from: 'Accepted', to: 'Accepted', event: 'INVITE retransmissions absorbed; TU 2xx retransmissions sent; a matching ACK goes to the TU', rfc: 'RFC 6026 §7.1', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    const acks: SipRequest[] = [];
    tx.onAck((a) => acks.push(a));
    const ok = respond(req, 200);
    tx.respond(ok);
    h.layer.receive(req, PEER);
    expect(tx.respond(ok)).toBe(true);
    expect(tx.respond(respond(req, 486))).toBe(false);
    h.layer.receive(createRequest({ ...fieldsOf(req), method: 'ACK' }), PEER);
    expect([tx.state, h.transport.methods(), acks.length]).toEqual(['Accepted', ['200', '200'], 1]);
  } },
  { machine: 'IST', from: 'Accepted', to: 'Terminated', event: 'Timer L (64·T1)', rfc: 'RFC 6026 §7.1', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    tx.respond(respond(req, 200));
    h.clock.advance(64 * T1);
    expect([tx.state, h.layer.size]).toEqual(['Terminated', 0]);
  } },
  { machine: 'IST', from: 'Accepted', to: 'Terminated', event: 'transport error sending a 2xx retransmission', rfc: 'RFC 6026 §7.1, §17.2.4', run: () => {
    const h = harness();
    const req = request('INVITE');
    const tx = serverTx<InviteServerTransaction>(h, req);
    tx.respond(respond(req, 200));
    h.transport.failing = true;
    expect(tx.respond(respond(req, 200))).toBe(false);
    expect(tx.state).toBe('Terminated');
  } },

  // non-INVITE server transaction (RFC 3261 §17.2.2)
  { machine: 'NIST', from: 'Trying', to: 'Proceeding', event: 'TU sends 1xx (retransmissions in Trying were discarded)', rfc: '§17.2.2', run: () => {
    const h = harness();
    const req = request('REGISTER');
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    h.layer.receive(req, PEER);
    expect(h.transport.sent).toHaveLength(0);
    tx.respond(respond(req, 100));
    expect(tx.state).toBe('Proceeding');
  } },
  { machine: 'NIST', from: 'Trying', to: 'Completed', event: 'TU sends 200-699: Timer J starts', rfc: '§17.2.2', run: () => {
    const h = harness();
    const req = request('OPTIONS');
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    tx.respond(respond(req, 200));
    expect([tx.state, tx.activeTimers]).toEqual(['Completed', ['J']]);
  } },
  { machine: 'NIST', from: 'Trying', to: 'Terminated', event: 'transport error', rfc: '§17.2.4', run: () => {
    const h = harness();
    const req = request('OPTIONS');
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    h.transport.failing = true;
    tx.respond(respond(req, 200));
    expect(tx.state).toBe('Terminated');
  } },
  { machine: 'NIST', from: 'Proceeding', to: 'Proceeding', event: 'retransmission gets the last provisional; TU may send more 1xx', rfc: '§17.2.2', run: () => {
    const h = harness();
    const req = request('SUBSCRIBE');
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    tx.respond(respond(req, 100));
    h.layer.receive(req, PEER);
    tx.respond(respond(req, 183));
    expect([tx.state, h.transport.methods()]).toEqual(['Proceeding', ['100', '100', '183']]);
  } },
  { machine: 'NIST', from: 'Proceeding', to: 'Completed', event: 'TU sends 200-699', rfc: '§17.2.2', run: () => {
    const h = harness();
    const req = request('OPTIONS');
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    tx.respond(respond(req, 100));
    tx.respond(respond(req, 200));
    expect(tx.state).toBe('Completed');
    expect(tx.respond(respond(req, 500))).toBe(false);
  } },
  { machine: 'NIST', from: 'Proceeding', to: 'Terminated', event: 'transport error', rfc: '§17.2.4', run: () => {
    const h = harness();
    const req = request('OPTIONS');
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    tx.respond(respond(req, 100));
    h.transport.failing = true;
    h.layer.receive(req, PEER);
    expect(tx.state).toBe('Terminated');
  } },
  { machine: 'NIST', from: 'Completed', to: 'Completed', event: 'retransmission gets the final response again', rfc: '§17.2.2', run: () => {
    const h = harness();
    const req = request('OPTIONS');
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    tx.respond(respond(req, 200));
    h.layer.receive(req, PEER);
    expect([tx.state, h.transport.methods()]).toEqual(['Completed', ['200', '200']]);
  } },
  { machine: 'NIST', from: 'Completed', to: 'Terminated', event: 'Timer J (64·T1 unreliable, 0 reliable)', rfc: '§17.2.2', run: () => {
    const h = harness();
    const req = request('OPTIONS');
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    tx.respond(respond(req, 200));
    h.clock.advance(64 * T1 - 1);
    expect(tx.state).toBe('Completed');
    h.clock.advance(1);
    expect(tx.state).toBe('Terminated');
    const r = harness(true);
    const rreq = request('OPTIONS');
    const rtx = serverTx<NonInviteServerTransaction>(r, rreq);
    rtx.respond(respond(rreq, 200));
    r.clock.advance(0);
    expect(rtx.state).toBe('Terminated');
  } },
];

/** The fields createRequest needs to rebuild `req` (for ACKs and retransmissions with other methods). */
function fieldsOf(req: SipRequest): Parameters<typeof createRequest>[0] {
  const h = req.headers;
  return { method: req.method, uri: req.uri, via: h.via(), from: h.from()!, to: h.to()!, callId: h.callId()!, cseq: h.cseq()!.seq };
}

describe('RFC 3261 §17 / RFC 6026 transaction state machines', () => {
  for (const row of TRANSITIONS) {
    it(`${row.machine} ${row.from} → ${row.to}: ${row.event} (${row.rfc})`, row.run);
  }

  it('the tests above observed exactly the transitions in the table (no untested transition, no stale row)', () => {
    const table = new Set(TRANSITIONS.filter((r) => r.from !== r.to).map((r) => `${r.machine} ${r.from}->${r.to}`));
    expect([...observed].sort()).toEqual([...table].sort());
  });
});

describe('transaction layer: matching and TU hand-offs (RFC 3261 §8.2.2.2, §9, §17.1.3, §17.2.3, §18.2)', () => {
  it('matches responses by top Via branch and CSeq method: a CANCEL with the INVITE branch is its own transaction', () => {
    const h = harness();
    const { tx, req } = clientInvite(h);
    h.layer.receive(respond(req, 180), SERVER);
    const cancelTx = h.layer.cancel(tx)!;
    expect(cancelTx.request.method).toBe('CANCEL');
    h.layer.receive(respond(cancelTx.request, 200), SERVER);
    expect(cancelTx.state).toBe('Completed');
    expect(tx.state).toBe('Proceeding');
    h.layer.receive(respond(req, 487), SERVER);
    expect(tx.state).toBe('Completed');
  });

  it('defers CANCEL until a provisional response arrives (§9.1), and sends none after a final one', () => {
    const h = harness();
    const { tx, req } = clientInvite(h);
    expect(h.layer.cancel(tx)).toBeUndefined();
    expect(h.transport.methods()).toEqual(['INVITE']);
    h.layer.receive(respond(req, 100), SERVER);
    expect(h.transport.methods()).toEqual(['INVITE', 'CANCEL']);
    const other = clientInvite(h);
    h.layer.receive(respond(other.req, 486), SERVER);
    expect(h.layer.cancel(other.tx)).toBeUndefined();
  });

  it('hands CANCEL to the TU with the INVITE server transaction it cancels; answers 481 when there is none', () => {
    const h = harness();
    const inv = request('INVITE');
    const ist = serverTx<InviteServerTransaction>(h, inv);
    h.layer.receive(createCancel(inv), PEER);
    const incoming = h.requests.at(-1)!;
    expect(incoming.request.method).toBe('CANCEL');
    expect(incoming.cancels).toBe(ist);
    h.layer.receive(createCancel(request('INVITE')), PEER);
    expect(h.transport.methods().at(-1)).toBe('481');
  });

  it('ACK for a 2xx (new branch) goes to the TU, not to a transaction', () => {
    const h = harness();
    const inv = request('INVITE');
    const ist = serverTx<InviteServerTransaction>(h, inv);
    ist.respond(respond(inv, 200));
    const ack = createRequest({ ...fieldsOf(inv), method: 'ACK', via: [createVia({ transport: 'UDP', host: '198.51.100.7', port: 40000, branch: 'z9hG4bKack2xx' })] });
    h.layer.receive(ack, PEER);
    expect(h.acks).toHaveLength(1);
  });

  it('answers a merged request (same From tag, Call-ID, CSeq; other branch; no To tag) with 482 (§8.2.2.2)', () => {
    const h = harness();
    serverTx(h, request('INVITE', { branch: 'z9hG4bKpath1', callId: 'merged' }));
    h.layer.receive(request('INVITE', { branch: 'z9hG4bKpath2', callId: 'merged' }), PEER);
    expect(h.requests).toHaveLength(1);
    expect(h.transport.methods()).toEqual(['482']);
  });

  it('matches RFC 2543 requests (no magic cookie, RFC 4475 §3.2.1 bare cookie) by their fields', () => {
    const h = harness();
    const req = request('OPTIONS', { branch: 'z9hG4bK' });
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    tx.respond(respond(req, 200));
    h.layer.receive(request('OPTIONS', { branch: 'z9hG4bK' }), PEER);
    expect(h.requests).toHaveLength(1);
    expect(h.transport.methods()).toEqual(['200', '200']);
    const inv = request('INVITE', { branch: 'oldstyle1' });
    const ist = serverTx<InviteServerTransaction>(h, inv);
    ist.respond(respond(inv, 486, 'legacytag'));
    h.layer.receive(createRequest({ ...fieldsOf(inv), method: 'ACK', to: { ...inv.headers.to()!, params: [{ name: 'tag', value: 'legacytag' }] } }), PEER);
    expect(ist.state).toBe('Confirmed');
  });

  it('discards responses with more than one Via (§8.1.3.3) and reports unmatched ones as stray', () => {
    const h = harness();
    const { tx, req } = clientInvite(h);
    const twoVias = respond(req, 180);
    twoVias.headers.append('Via', 'SIP/2.0/UDP other.example.com;branch=z9hG4bKx');
    h.layer.receive(twoVias, SERVER);
    expect(tx.state).toBe('Calling');
    h.layer.receive(respond(request('OPTIONS'), 200), SERVER);
    expect(h.strays).toHaveLength(1);
  });

  it('stamps received/rport on incoming requests and answers to the source (§18.2.1, RFC 3581)', () => {
    const h = harness();
    const req = request('OPTIONS');
    const tx = serverTx<NonInviteServerTransaction>(h, req);
    expect(req.headers.topVia()).toMatchObject({ received: PEER.host, rport: PEER.port });
    tx.respond(respond(req, 200));
    const sent = h.transport.sent[0]!;
    expect(sent.to).toEqual({ transport: 'UDP', host: PEER.host, port: PEER.port });
    expect((sent.message as SipResponse).headers.topVia()?.rport).toBe(PEER.port);
  });

  it('rejects an ACK sent as a transaction and a request without a branch (caller bugs)', () => {
    const h = harness();
    expect(() => h.layer.sendRequest(request('ACK'), SERVER, new RecordingUser())).toThrow(/ACK/);
  });

  it('forgets every terminated transaction and leaves no timer behind', () => {
    const h = harness();
    const a = clientInvite(h);
    const b = clientNonInvite(h);
    const inv = request('INVITE');
    const ist = serverTx<InviteServerTransaction>(h, inv);
    h.layer.receive(respond(a.req, 200), SERVER);
    h.layer.receive(respond(b.req, 200), SERVER);
    ist.respond(respond(inv, 486));
    h.clock.runAll();
    expect(h.layer.size).toBe(0);
    expect(h.clock.pendingTimers).toBe(0);
  });
});
