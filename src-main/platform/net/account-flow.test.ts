/**
 * The account flow's keep-alive and reconnect machinery on a FakeClock (timers move only when the
 * test says so) over real loopback TCP sockets: a silent peer is declared dead exactly when the
 * keep-alive says, and the flow comes back after a jittered exponential backoff.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { refusedPort, startTcpServer, type RecordingServer } from '../../../test/integration/tls/support/recording-server.js';
import { waitFor } from '../../../test/integration/tls/support/wait.js';
import { AccountFlow, type AccountFlowState } from './account-flow.js';
import type { DnsPort } from './dns-port.js';
import { Rfc3263Resolver } from './rfc3263-resolver.js';
import { NodeTcpConnector } from './tcp-connector.js';
import { NodeTlsConnector } from '../tls/tls-connector.js';

const noDns: DnsPort = {
  resolveNaptr: () => Promise.reject(new Error('no DNS in this test')),
  resolveSrv: () => Promise.reject(new Error('no DNS in this test')),
  resolve4: () => Promise.reject(new Error('no DNS in this test')),
  resolve6: () => Promise.reject(new Error('no DNS in this test')),
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function makeFlow(port: number, clock: FakeClock): { flow: AccountFlow; states: AccountFlowState[] } {
  const rng = new FakeRng(42);
  const flow = new AccountFlow(
    {
      account: 'test',
      hop: { host: '127.0.0.1', port, transport: 'tcp', secure: false, supported: ['tcp'] },
      keepAlive: { intervalMs: 30_000, pongTimeoutMs: 10_000 },
      backoff: { baseMs: 1000, maxMs: 8000 },
      stableAfterMs: 60_000,
    },
    { locator: new Rfc3263Resolver(noDns, rng), tls: new NodeTlsConnector({ clock }), tcp: new NodeTcpConnector({ clock }), clock, rng },
  );
  const states: AccountFlowState[] = [];
  flow.onState((s) => states.push(s));
  cleanups.push(() => flow.dispose());
  return { flow, states };
}

async function server(behaviour: 'pong' | 'silent'): Promise<RecordingServer> {
  const s = await startTcpServer({ behaviour });
  cleanups.push(() => s.close());
  return s;
}

describe('account flow on a fake clock', () => {
  it('declares a silent peer dead at ping + pong timeout, then reconnects after the backoff', async () => {
    const clock = new FakeClock();
    const s = await server('silent');
    const { flow, states } = makeFlow(s.port, clock);
    let failedAt = -1;
    flow.onState((st) => {
      if (st.kind === 'failed') failedAt = clock.monotonic();
    });
    flow.start();
    await waitFor(() => flow.state.kind === 'connected', 3000, 'connected');

    // Nothing happens before the first ping is due (24-30 s); find when it goes out.
    clock.advance(23_000);
    expect(s.received().length).toBe(0);
    const keepAlive = (): string => (flow as unknown as { flow?: { keepAliveState: string } }).flow?.keepAliveState ?? 'none';
    while (keepAlive() !== 'awaiting-pong' && clock.monotonic() <= 30_000) clock.advance(250);
    await waitFor(() => s.received().toString('latin1').includes('\r\n\r\n'), 2000, 'ping on the wire');
    const pingBy = clock.monotonic();
    expect(pingBy).toBeGreaterThanOrEqual(24_000);
    expect(flow.state.kind).toBe('connected');

    // The peer stays silent: at most 10 s after the ping the flow is dead, and not before 9.75 s.
    clock.advance(9_740);
    expect(flow.state.kind).toBe('connected');
    clock.advance(260);
    expect(flow.state).toMatchObject({ kind: 'failed', lost: 'dead', error: { code: 'timeout' }, consecutiveFailures: 1 });
    const retry = (flow.state as Extract<AccountFlowState, { kind: 'failed' }>).retryInMs;
    expect(retry).toBeGreaterThanOrEqual(500);
    expect(retry).toBeLessThanOrEqual(1000);
    expect(flow.send(Buffer.from('OPTIONS')).ok).toBe(false);

    // The peer comes back to life; after the backoff the flow reconnects.
    s.setBehaviour('pong');
    clock.advance(failedAt + retry - 1 - clock.monotonic());
    expect(flow.state.kind).toBe('failed');
    clock.advance(1);
    await waitFor(() => flow.state.kind === 'connected', 3000, 'reconnected');
    expect(s.tcpConnections()).toBe(2);

    // Now pongs come back and the flow survives several keep-alive rounds (fake time only moves
    // up to each ping; the real pong then has to arrive before the test moves on).
    const ka = keepAlive;
    for (let round = 1; round <= 3; round++) {
      while (ka() !== 'awaiting-pong') clock.advance(1000);
      await waitFor(() => ka() === 'waiting', 2000, 'pong');
    }
    expect((Buffer.concat(s.connections[1]!.received).toString('latin1').match(/\r\n\r\n/g) ?? []).length).toBe(3);
    expect(flow.state.kind).toBe('connected');
    expect(states.map((x) => x.kind)).toEqual(['resolving', 'connecting', 'connected', 'failed', 'resolving', 'connecting', 'connected']);
  });

  it('backs off exponentially with jitter while the server refuses', async () => {
    const clock = new FakeClock();
    const port = await refusedPort();
    const { flow } = makeFlow(port, clock);
    flow.start();
    const ceilings = [1000, 2000, 4000, 8000, 8000];
    for (const [i, ceiling] of ceilings.entries()) {
      await waitFor(() => flow.state.kind === 'failed' && flow.state.consecutiveFailures === i + 1, 3000, `failure ${i + 1}`);
      const st = flow.state as Extract<AccountFlowState, { kind: 'failed' }>;
      expect(st.error.code).toBe('connection-refused');
      expect(st.attempts[0]).toMatchObject({ outcome: 'skipped', error: { code: 'connection-refused' } });
      expect(st.retryInMs).toBeGreaterThanOrEqual(ceiling / 2);
      expect(st.retryInMs).toBeLessThanOrEqual(ceiling);
      clock.advance(st.retryInMs);
    }
    flow.stop();
    expect(flow.state.kind).toBe('stopped');
    expect(clock.pendingTimers).toBe(0);
  });

  it('reuses the one flow for outgoing messages and delivers the server’s requests on it', async () => {
    const clock = new FakeClock();
    const s = await server('pong');
    const { flow } = makeFlow(s.port, clock);
    const inbound: string[] = [];
    flow.onMessage((m) => inbound.push(m.bytes.toString()));
    flow.start();
    await waitFor(() => flow.state.kind === 'connected', 3000, 'connected');
    expect(flow.send(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n')).ok).toBe(true);
    expect(flow.send(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 0\r\n\r\n')).ok).toBe(true);
    await s.waitForConnections(1);
    s.connections[0]!.socket.write('NOTIFY sip:me@127.0.0.1 SIP/2.0\r\nContent-Length: 2\r\n\r\nhi');
    await waitFor(() => inbound.length === 1, 2000, 'inbound request');
    expect(inbound[0]).toContain('NOTIFY');
    expect(s.tcpConnections()).toBe(1);
    expect(flow.flowInfo?.security).toMatchObject({ level: 'plaintext', sdesAllowed: false });
  });
});
