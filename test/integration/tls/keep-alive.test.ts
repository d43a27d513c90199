/**
 * Keep-alive and reconnect on real TLS sockets and the real clock (issue 4, acceptance 4): a peer
 * that keeps the TCP connection but never answers is found dead within ping interval + pong wait,
 * the flow reconnects after a jittered backoff, and a peer that answers pongs keeps its flow.
 */
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../../src-main/base/clock.js';
import { CryptoRng } from '../../../src-main/base/rng.js';
import { AccountFlow, type AccountFlowState } from '../../../src-main/platform/net/account-flow.js';
import { Rfc3263Resolver } from '../../../src-main/platform/net/rfc3263-resolver.js';
import { NodeTcpConnector } from '../../../src-main/platform/net/tcp-connector.js';
import { startTlsServer, type RecordingServer } from './support/recording-server.js';
import { useTlsSuite, noDns } from './support/tls-suite.js';
import { waitFor } from './support/wait.js';

const suite = useTlsSuite();

const INTERVAL = 200;
const PONG_WAIT = 150;

async function setup(behaviour: 'pong' | 'silent'): Promise<{ server: RecordingServer; flow: AccountFlow; states: { at: number; s: AccountFlowState }[] }> {
  const server = await startTlsServer({ credentials: suite.pki.servers.good, behaviour });
  suite.cleanups.push(() => server.close());
  const clock = new SystemClock();
  const rng = new CryptoRng();
  const req = suite.h.request(server.port, {});
  const flow = new AccountFlow(
    {
      account: 'alice',
      hop: { host: '127.0.0.1', port: server.port, transport: 'tls', secure: true },
      tls: { settings: req.settings, anchors: req.anchors },
      keepAlive: { intervalMs: INTERVAL, pongTimeoutMs: PONG_WAIT },
      backoff: { baseMs: 100, maxMs: 400 },
    },
    { locator: new Rfc3263Resolver(noDns, rng), tls: suite.h.connector, tcp: new NodeTcpConnector({ clock }), clock, rng },
  );
  suite.cleanups.push(() => flow.dispose());
  const states: { at: number; s: AccountFlowState }[] = [];
  flow.onState((s) => states.push({ at: performance.now(), s }));
  return { server, flow, states };
}

describe('keep-alive and reconnect on real sockets', () => {
  it('finds a silent peer dead within interval + pong wait, then reconnects with backoff', async () => {
    const { server, flow, states } = await setup('silent');
    flow.start();
    await waitFor(() => flow.state.kind === 'connected', 3000, 'connected');
    const connectedAt = performance.now();
    await waitFor(() => flow.state.kind === 'failed', 3000, 'dead flow detected');
    const deadAfter = performance.now() - connectedAt;
    expect(flow.state).toMatchObject({ kind: 'failed', lost: 'dead', error: { code: 'timeout' } });
    expect(deadAfter).toBeGreaterThanOrEqual(0.8 * INTERVAL + PONG_WAIT - 20);
    expect(deadAfter).toBeLessThan(INTERVAL + PONG_WAIT + 250);
    expect(server.received().toString('latin1')).toBe('\r\n\r\n');

    const failed = flow.state as Extract<AccountFlowState, { kind: 'failed' }>;
    expect(failed.retryInMs).toBeGreaterThanOrEqual(50);
    expect(failed.retryInMs).toBeLessThanOrEqual(100);
    server.setBehaviour('pong');
    await waitFor(() => flow.state.kind === 'connected' && server.connections.length === 2, 3000, 'reconnected');
    const failedAt = states.find((x) => x.s.kind === 'failed')!.at;
    const resolvingAgain = states.filter((x) => x.s.kind === 'resolving')[1]!.at;
    expect(resolvingAgain - failedAt).toBeGreaterThanOrEqual(failed.retryInMs - 5);
  });

  it('keeps a flow whose peer answers pongs through several keep-alive rounds', async () => {
    const { server, flow } = await setup('pong');
    flow.start();
    await waitFor(() => flow.state.kind === 'connected', 3000, 'connected');
    await waitFor(() => (server.received().toString('latin1').match(/\r\n\r\n/g) ?? []).length >= 3, 3000, 'three pings');
    expect(flow.state.kind).toBe('connected');
    expect(server.tcpConnections()).toBe(1);
  });

  it('reconnects when the server drops the connection', async () => {
    const { server, flow } = await setup('pong');
    flow.start();
    await waitFor(() => flow.state.kind === 'connected', 3000, 'connected');
    server.dropConnections();
    await waitFor(() => flow.state.kind === 'failed', 3000, 'loss noticed');
    expect(flow.state).toMatchObject({ kind: 'failed', lost: expect.stringMatching(/remote-closed|error/) });
    await waitFor(() => flow.state.kind === 'connected', 3000, 'reconnected');
    expect(server.tcpConnections()).toBe(2);
    expect(flow.certificateReport()?.verdict.ok).toBe(true);
  });
});
