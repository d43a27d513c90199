/**
 * What a peer can do to the account's flow is bounded (issue 15), on a FakeClock (time moves only
 * when the test says so) over real loopback TCP sockets:
 *  - a header section trickled a byte at a time closes the flow exactly at the header bound, and
 *    the flow is replaced;
 *  - the keep-alive counts only a CRLF pong or a complete message as proof of life: a peer that
 *    answers pings with other bytes is dead at ping + pong wait;
 *  - a flow whose local address vanished is replaced at once (no time passes);
 *  - a flow abandoned as dead sends its target to the back: the reconnect goes to the next one.
 */
import type * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { startTcpServer, type RecordingServer } from '../../../test/integration/tls/support/recording-server.js';
import { waitFor } from '../../../test/integration/tls/support/wait.js';
import { ok } from '../../base/result.js';
import { SipStreamFramer } from '../../protocol/sip/message/stream-framer.js';
import { NodeTlsConnector } from '../tls/tls-connector.js';
import { AccountFlow, type AccountFlowConfig, type AccountFlowState } from './account-flow.js';
import type { SipServerLocator } from './rfc3263-resolver.js';
import type { ResolvedTarget } from './sip-hop.js';
import type { StreamFramer } from './stream-framing.js';
import { NodeTcpConnector } from './tcp-connector.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const target = (port: number): ResolvedTarget => ({ transport: 'tcp', address: '127.0.0.1', family: 4, port, hostname: `h${port}`, identity: 'example.test', source: 'numeric' });

/** A locator that answers the given targets in order (what RFC 3263 would have found). */
const fixedLocator = (ports: readonly number[]): SipServerLocator => ({
  locate: () => Promise.resolve(ok({ identity: 'example.test', targets: ports.map(target), trace: [] })),
});

/** Counts the bytes the flow's framer was fed, so the test knows when a write has arrived. */
class CountingFramer implements StreamFramer {
  readonly inner = new SipStreamFramer();
  fed = 0;
  push(chunk: Uint8Array): ReturnType<SipStreamFramer['push']> {
    this.fed += chunk.length;
    return this.inner.push(chunk);
  }
  reset(): void {
    this.inner.reset();
  }
  get pending(): SipStreamFramer['pending'] {
    return this.inner.pending;
  }
}

interface Rig {
  readonly flow: AccountFlow;
  readonly clock: FakeClock;
  readonly states: AccountFlowState[];
  readonly framers: CountingFramer[];
}

function rig(ports: readonly number[], config: Partial<AccountFlowConfig> = {}, addresses?: () => ReadonlySet<string>): Rig {
  const clock = new FakeClock();
  const rng = new FakeRng(7);
  const framers: CountingFramer[] = [];
  const flow = new AccountFlow(
    {
      account: 'test',
      hop: { host: 'example.test', transport: 'tcp', secure: false, supported: ['tcp'] },
      keepAlive: false,
      backoff: { baseMs: 1000, maxMs: 8000 },
      ...config,
    },
    {
      locator: fixedLocator(ports),
      tls: new NodeTlsConnector({ clock }),
      tcp: new NodeTcpConnector({ clock }),
      clock,
      rng,
      framerFactory: () => {
        const f = new CountingFramer();
        framers.push(f);
        return f;
      },
      ...(addresses === undefined ? {} : { localAddresses: addresses }),
    },
  );
  const states: AccountFlowState[] = [];
  flow.onState((s) => states.push(s));
  cleanups.push(() => flow.dispose());
  return { flow, clock, states, framers };
}

async function server(onData?: (socket: net.Socket, data: Buffer) => void): Promise<RecordingServer> {
  const s = await startTcpServer({ behaviour: 'silent' });
  cleanups.push(() => s.close());
  if (onData !== undefined) {
    const seen = new Set<net.Socket>();
    const attach = (): void => {
      for (const c of s.connections) {
        if (seen.has(c.socket)) continue;
        seen.add(c.socket);
        c.socket.on('data', (d: Buffer) => onData(c.socket, d));
      }
    };
    const timer = setInterval(attach, 2);
    cleanups.push(() => clearInterval(timer));
  }
  return s;
}

const failed = (s: AccountFlowState): Extract<AccountFlowState, { kind: 'failed' }> => {
  if (s.kind !== 'failed') throw new Error(`expected a failed state, got ${s.kind}`);
  return s;
};

describe('a header trickled a byte at a time', () => {
  it('closes the flow exactly at the header-completion bound, then replaces it', async () => {
    const s = await server();
    const { flow, clock, framers } = rig([s.port], { headerTimeoutMs: 10_000 });
    flow.start();
    await waitFor(() => flow.state.kind === 'connected', 3000, 'connected');
    await s.waitForConnections(1);
    const peer = s.connections[0]!.socket;
    const header = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK1\r\nX-Trickle: ' + 'a'.repeat(500);
    // One byte every 100 ms of simulated time, "forever" (the header never ends).
    let sent = 0;
    while (flow.state.kind === 'connected' && sent < header.length) {
      peer.write(header[sent]!);
      sent++;
      await waitFor(() => framers[0]!.fed === sent, 2000, `byte ${sent} at the flow`);
      if (sent === 1) expect(framers[0]!.inner.pending).toBe('header');
      // The bound runs from the first byte: at 9 900 ms (byte 100) the flow is still up.
      if (sent <= 100) expect(flow.state.kind, `after ${sent} bytes`).toBe('connected');
      clock.advance(100);
    }
    // Closed when the 100th 100-ms step reached 10 000 ms after the first byte: no later.
    expect(sent).toBe(100);
    const st = failed(flow.state);
    expect(st).toMatchObject({ lost: 'framing', error: { code: 'flow-closed', detail: { cause: 'header-timeout' } } });
    await waitFor(() => s.connections[0]!.socket.destroyed || s.connections[0]!.socket.readableEnded, 2000, 'the server sees the flow closed');
    // Replaced after the backoff: a second TCP connection.
    clock.advance(st.retryInMs);
    await waitFor(() => flow.state.kind === 'connected', 3000, 'reconnected');
    await s.waitForConnections(2);
    expect(s.tcpConnections()).toBe(2);
  });

  it('leaves a flow alone whose messages complete in time, however they are cut', async () => {
    const s = await server();
    const { flow, clock, framers } = rig([s.port], { headerTimeoutMs: 10_000 });
    const inbound: string[] = [];
    flow.onMessage((m) => inbound.push(m.bytes.toString('latin1')));
    flow.start();
    await waitFor(() => flow.state.kind === 'connected', 3000, 'connected');
    await s.waitForConnections(1);
    const peer = s.connections[0]!.socket;
    const message = 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK2\r\nContent-Length: 0\r\n\r\n';
    let fed = 0;
    // Twenty messages, each in two halves 9 s apart: every header completes within its bound.
    for (let i = 0; i < 20; i++) {
      for (const part of [message.slice(0, 30), message.slice(30)]) {
        peer.write(part);
        fed += part.length;
        await waitFor(() => framers[0]!.fed === fed, 2000, 'bytes at the flow');
        clock.advance(9_000);
      }
    }
    expect(flow.state.kind).toBe('connected');
    expect(inbound).toHaveLength(20);
  });
});

describe('keep-alive proof of life (RFC 5626 §4.4.1)', () => {
  const keepAlive = { intervalMs: 30_000, pongTimeoutMs: 10_000 };

  async function pingOnce(r: Rig, s: RecordingServer, n: number): Promise<void> {
    const ka = (): string => (r.flow as unknown as { flow?: { keepAliveState: string } }).flow?.keepAliveState ?? 'none';
    // The ping is due 80-100 % of the interval after the last one: find it to the millisecond.
    r.clock.advance(23_000);
    while (ka() !== 'awaiting-pong') r.clock.advance(1);
    await waitFor(() => (s.received().toString('latin1').match(/\r\n\r\n/g) ?? []).length >= n, 2000, `ping ${n} at the server`);
  }

  for (const [name, answer] of [
    ['a bare LF', '\n'],
    ['bytes that are not SIP', 'pong!'],
    ['a CR alone', '\r'],
  ] as const) {
    it(`finds a peer dead that answers pings with ${name}, not a CRLF`, async () => {
      const s = await server((socket, d) => {
        if (d.toString('latin1').includes('\r\n\r\n')) socket.write(answer);
      });
      // The header bound is longer than the pong wait: it is the keep-alive that must notice.
      const r = rig([s.port], { keepAlive, headerTimeoutMs: 60_000 });
      r.flow.start();
      await waitFor(() => r.flow.state.kind === 'connected', 3000, 'connected');
      await pingOnce(r, s, 1);
      await waitFor(() => r.framers[0]!.fed >= answer.length, 2000, 'the answer at the flow');
      r.clock.advance(9_999);
      expect(r.flow.state.kind).toBe('connected');
      r.clock.advance(1);
      expect(failed(r.flow.state)).toMatchObject({ lost: 'dead', error: { code: 'timeout' } });
    });
  }

  for (const [name, answer] of [
    ['a CRLF pong', '\r\n'],
    ['a complete SIP message', 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bK3\r\nContent-Length: 0\r\n\r\n'],
  ] as const) {
    it(`keeps a peer alive that answers pings with ${name}`, async () => {
      const s = await server((socket, d) => {
        if (d.toString('latin1').includes('\r\n\r\n')) socket.write(answer);
      });
      const r = rig([s.port], { keepAlive, headerTimeoutMs: 60_000 });
      r.flow.start();
      await waitFor(() => r.flow.state.kind === 'connected', 3000, 'connected');
      for (let round = 1; round <= 3; round++) {
        await pingOnce(r, s, round);
        await waitFor(() => r.framers[0]!.fed >= round * answer.length, 2000, `answer ${round} at the flow`);
        r.clock.advance(10_000);
        expect(r.flow.state.kind, `round ${round}`).toBe('connected');
      }
    });
  }
});

describe('network change', () => {
  it('replaces at once a flow whose local address vanished, and leaves one whose address is still there', async () => {
    const s = await server();
    let addresses = new Set(['127.0.0.1', '192.0.2.10']);
    const r = rig([s.port], {}, () => addresses);
    r.flow.start();
    await waitFor(() => r.flow.state.kind === 'connected', 3000, 'connected');
    const first = r.flow.flowInfo!.id;

    // Another address went away: the flow's own is still there, nothing happens.
    addresses = new Set(['127.0.0.1']);
    expect(r.flow.networkChanged()).toBe(false);
    expect(r.flow.flowInfo?.id).toBe(first);

    // The flow's address went away: closed and reconnecting at once, before any time passes.
    addresses = new Set(['192.0.2.10']);
    const at = r.clock.monotonic();
    expect(r.flow.networkChanged()).toBe(true);
    expect(r.states.at(-2)).toMatchObject({ kind: 'failed', lost: 'address-gone', retryInMs: 0 });
    await waitFor(() => r.flow.state.kind === 'connected', 3000, 'the new flow');
    expect(r.clock.monotonic()).toBe(at);
    expect(r.flow.flowInfo?.id).not.toBe(first);
    await s.waitForConnections(2);
    await waitFor(() => s.connections[0]!.socket.destroyed || s.connections[0]!.socket.readableEnded, 2000, 'the old flow closed');
    expect(r.clock.pendingTimers).toBe(0);
  });
});

describe('network change on a flow whose address is still there', () => {
  it('pings at once, so a path that died with the change is found within the pong wait', async () => {
    const s = await server();
    const r = rig([s.port], { keepAlive: { intervalMs: 120_000, pongTimeoutMs: 10_000 } }, () => new Set(['127.0.0.1']));
    r.flow.start();
    await waitFor(() => r.flow.state.kind === 'connected', 3000, 'connected');
    await s.waitForConnections(1);
    expect(r.flow.networkChanged()).toBe(false);
    // No time passed, yet the ping is on the wire; the silent peer is dead 10 s later, not 96-120 s.
    await waitFor(() => s.received().toString('latin1') === '\r\n\r\n', 2000, 'the ping at the server');
    expect(r.clock.monotonic()).toBe(0);
    r.clock.advance(9_999);
    expect(r.flow.state.kind).toBe('connected');
    r.clock.advance(1);
    expect(failed(r.flow.state)).toMatchObject({ lost: 'dead' });
  });
});

describe('a flow found dead while open', () => {
  it('sends its target to the back: the reconnect moves to the next target', async () => {
    const blackHole = await server();
    const good = await server();
    const r = rig([blackHole.port, good.port], {});
    r.flow.start();
    await waitFor(() => r.flow.state.kind === 'connected', 3000, 'connected');
    expect(r.flow.flowInfo?.remote.port).toBe(blackHole.port);
    r.flow.abandon('not-this-flow', 'test');
    expect(r.flow.state.kind).toBe('connected');
    r.flow.abandon(r.flow.flowInfo!.id, 'REGISTER unanswered');
    const st = failed(r.flow.state);
    expect(st).toMatchObject({ lost: 'unresponsive', error: { code: 'timeout' } });
    r.clock.advance(st.retryInMs);
    await waitFor(() => r.flow.state.kind === 'connected', 3000, 'reconnected');
    expect(r.flow.flowInfo?.remote.port).toBe(good.port);
    expect(blackHole.tcpConnections()).toBe(1);

    // The second dies too: the oldest demotion comes first again.
    r.flow.abandon(r.flow.flowInfo!.id, 'REGISTER unanswered');
    r.clock.advance(failed(r.flow.state).retryInMs);
    await waitFor(() => r.flow.state.kind === 'connected', 3000, 'reconnected again');
    expect(r.flow.flowInfo?.remote.port).toBe(blackHole.port);
  });
});
