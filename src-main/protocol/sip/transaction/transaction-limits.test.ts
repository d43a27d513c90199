/**
 * Issue 15: what a peer can make the transaction layer hold. Server transactions are bounded
 * (beyond the limit a new request gets 503 with Retry-After, statelessly), and forgetting a
 * transaction is O(1): 40,000 of them expire within a generous bound on the fake clock (the
 * figures for 10k/20k/40k, showing linear growth, are in `npm run bench -- sip transactions`).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/fakes/fake-clock.js';
import { createRequest, createResponse } from '../message/builders.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/message.js';
import { sipUri } from '../message/uri.js';
import { createVia } from '../message/via.js';
import { TransactionLayer, type IncomingRequest } from './transaction-layer.js';
import type { TransportAddress, TransportPort } from './transport-port.js';

const PEER: TransportAddress = { transport: 'UDP', host: '198.51.100.7', port: 40000 };

class CountingTransport implements TransportPort {
  readonly reliable = false;
  readonly sent: SipMessage[] = [];
  send(message: SipMessage): boolean {
    this.sent.push(message);
    return true;
  }
}

function peerRequest(method: string, n: number): SipRequest {
  return createRequest({
    method,
    uri: sipUri({ user: 'alice', host: '192.0.2.1' }),
    via: [createVia({ transport: 'UDP', host: '198.51.100.7', port: 40000, branch: `z9hG4bKflood${n}`, rport: true })],
    from: { displayName: undefined, uri: sipUri({ user: 'mallory', host: 'example.net' }), params: [{ name: 'tag', value: `f${n}` }] },
    to: { displayName: undefined, uri: sipUri({ user: 'alice', host: 'example.com' }), params: [] },
    callId: `flood-${n}@example.net`,
    cseq: 1,
  });
}

const open: { layer: TransactionLayer; clock: FakeClock }[] = [];
afterEach(() => {
  for (const o of open.splice(0)) {
    o.layer.dispose();
    expect(o.clock.pendingTimers).toBe(0);
  }
});

function world(maxServerTransactions?: number): { clock: FakeClock; transport: CountingTransport; layer: TransactionLayer; requests: IncomingRequest[] } {
  const clock = new FakeClock();
  const transport = new CountingTransport();
  const layer = new TransactionLayer({ transport, clock, ...(maxServerTransactions === undefined ? {} : { maxServerTransactions }) });
  const requests: IncomingRequest[] = [];
  layer.onRequest((r) => requests.push(r));
  open.push({ layer, clock });
  return { clock, transport, layer, requests };
}

const statusOf = (m: SipMessage): number => (m.kind === 'response' ? m.status : 0);

describe('server transactions are bounded (issue 15)', () => {
  it('beyond the limit a new request gets 503 with Retry-After and no transaction; retransmissions of admitted ones are still absorbed', () => {
    const w = world(100);
    for (let i = 0; i < 150; i++) w.layer.receive(peerRequest(i % 2 === 0 ? 'INVITE' : 'OPTIONS', i), PEER);
    expect(w.requests).toHaveLength(100);
    expect(w.layer.size).toBe(100);
    expect(w.layer.overloadRefusals).toBe(50);
    const refused = w.transport.sent.filter((m) => statusOf(m) === 503) as SipResponse[];
    expect(refused).toHaveLength(50);
    for (const r of refused) {
      expect(r.headers.retryAfter()?.seconds).toBeGreaterThan(0);
      expect(r.headers.callId()).toMatch(/^flood-(1[0-4]\d)@example\.net$/);
    }
    // A retransmission of an admitted request matches its transaction: no new TU request, no 503.
    w.layer.receive(peerRequest('INVITE', 0), PEER);
    expect(w.requests).toHaveLength(100);
    expect(w.layer.overloadRefusals).toBe(50);
  });

  it('once the admitted transactions end, new requests are admitted again', () => {
    const w = world(10);
    for (let i = 0; i < 10; i++) w.layer.receive(peerRequest('OPTIONS', i), PEER);
    for (const r of w.requests) r.transaction.respond(createResponse(r.request, 200, 'OK', { toTag: 't' }));
    w.layer.receive(peerRequest('OPTIONS', 10), PEER);
    expect(w.layer.overloadRefusals).toBe(1);
    w.clock.advance(64 * 500); // Timer J
    expect(w.layer.size).toBe(0);
    w.layer.receive(peerRequest('OPTIONS', 11), PEER);
    expect(w.requests).toHaveLength(11);
    expect(w.layer.overloadRefusals).toBe(1);
  });

  it('the default limit holds against a flood of distinct requests', () => {
    const w = world();
    for (let i = 0; i < 6000; i++) w.layer.receive(peerRequest('OPTIONS', i), PEER);
    expect(w.layer.size).toBeLessThanOrEqual(4096);
    expect(w.requests.length + w.layer.overloadRefusals).toBe(6000);
  });
});

describe('forgetting a transaction is O(1) (issue 15)', () => {
  it('40,000 server transactions (INVITE and non-INVITE, each with a merge key) expire in well under a second on the fake clock', () => {
    const N = 40_000;
    const w = world(N);
    for (let i = 0; i < N; i++) w.layer.receive(peerRequest(i % 2 === 0 ? 'INVITE' : 'OPTIONS', i), PEER);
    expect(w.requests).toHaveLength(N);
    // INVITEs accepted (Accepted, Timer L, RFC 6026), OPTIONS answered (Completed, Timer J).
    for (const r of w.requests) r.transaction.respond(createResponse(r.request, 200, undefined, { toTag: 't' }));
    expect(w.layer.size).toBe(N);
    // CPU time of this process, not wall time: other processes on a loaded machine do not count.
    const started = process.cpuUsage();
    w.clock.advance(64 * 500 + 1);
    const used = process.cpuUsage(started);
    const cpuMs = (used.user + used.system) / 1000;
    expect(w.layer.size).toBe(0);
    // Generous (rule 14: speed is measured in the bench, ~0.3 s); the quadratic version took over 100 s here.
    expect(cpuMs, `40k transactions took ${Math.round(cpuMs)} ms of CPU to expire`).toBeLessThan(1000);
    // Their merge keys went with them: the same From tag, Call-ID and CSeq is a new request, not a merged one (482).
    w.layer.receive(peerRequest('OPTIONS', 1), PEER);
    expect(w.requests).toHaveLength(N + 1);
  });
});
