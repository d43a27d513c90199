import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { CrlfKeepAlive } from './keep-alive.js';
import { ReconnectBackoff, RFC5626_BACKOFF } from './reconnect-backoff.js';

function setup(options: { intervalMs?: number; pongTimeoutMs?: number; expectPong?: boolean } = {}) {
  const clock = new FakeClock();
  const log: string[] = [];
  const ka = new CrlfKeepAlive(clock, new FakeRng(), options, {
    sendPing: () => log.push(`ping@${clock.monotonic()}`),
    onDead: () => log.push(`dead@${clock.monotonic()}`),
  });
  return { clock, log, ka };
}

describe('CRLF keep-alive (RFC 5626 §4.4.1) on a fake clock', () => {
  it('pings at 80-100% of the interval', () => {
    const { clock, log, ka } = setup({ intervalMs: 30_000 });
    ka.start();
    clock.advance(23_999);
    expect(log).toEqual([]);
    clock.advance(6_001);
    expect(log).toHaveLength(1);
    const at = Number(log[0]!.split('@')[1]);
    expect(at).toBeGreaterThanOrEqual(24_000);
    expect(at).toBeLessThanOrEqual(30_000);
    ka.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('a pong keeps the flow alive ping after ping', () => {
    const { clock, log, ka } = setup({ intervalMs: 30_000, pongTimeoutMs: 10_000 });
    ka.start();
    for (let i = 0; i < 5; i++) {
      clock.advance(30_000);
      ka.onPong();
    }
    expect(log.filter((l) => l.startsWith('ping'))).toHaveLength(5);
    expect(log.some((l) => l.startsWith('dead'))).toBe(false);
    ka.dispose();
  });

  it('detects a silent dead peer within interval + pong timeout', () => {
    const { clock, log, ka } = setup({ intervalMs: 30_000, pongTimeoutMs: 10_000 });
    ka.start();
    clock.advance(40_000);
    expect(log.at(-1)).toMatch(/^dead@/);
    const deadAt = Number(log.at(-1)!.split('@')[1]);
    expect(deadAt).toBeLessThanOrEqual(40_000);
    expect(ka.stateKind).toBe('stopped');
    expect(clock.pendingTimers).toBe(0);
  });

  it('counts any inbound traffic as proof of life', () => {
    const { clock, log, ka } = setup({ intervalMs: 1000, pongTimeoutMs: 500 });
    ka.start();
    clock.advance(1000);
    clock.advance(400);
    ka.onTraffic();
    clock.advance(500);
    expect(log.some((l) => l.startsWith('dead'))).toBe(false);
    ka.dispose();
  });

  it('without expectPong the ping only refreshes NAT bindings and never declares death', () => {
    const { clock, log, ka } = setup({ intervalMs: 1000, expectPong: false });
    ka.start();
    clock.advance(10_000);
    expect(log.filter((l) => l.startsWith('ping')).length).toBeGreaterThanOrEqual(10);
    expect(log.some((l) => l.startsWith('dead'))).toBe(false);
    ka.dispose();
  });

  it('a server Flow-Timer sets the interval', () => {
    const { clock, log, ka } = setup({ intervalMs: 30_000 });
    ka.start();
    ka.setServerFlowTimer(5);
    clock.advance(5_000);
    expect(log).toHaveLength(1);
    ka.dispose();
  });
});

describe('reconnect backoff (RFC 5626 §4.5)', () => {
  it('doubles the ceiling per failure, jitters within 50-100%, and caps at the maximum', () => {
    const b = new ReconnectBackoff(new FakeRng(3), { baseMs: 1000, maxMs: 10_000 });
    const delays = Array.from({ length: 8 }, () => b.next());
    const ceilings = [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(ceilings[i]! / 2);
      expect(d).toBeLessThanOrEqual(ceilings[i]!);
    });
    expect(b.consecutiveFailures).toBe(8);
    b.reset();
    expect(b.ceilingMs()).toBe(1000);
  });

  it('RFC 5626 values are available', () => {
    const b = new ReconnectBackoff(new FakeRng(), RFC5626_BACKOFF);
    expect(b.ceilingMs()).toBe(30_000);
    for (let i = 0; i < 10; i++) b.next();
    expect(b.ceilingMs()).toBe(1_800_000);
  });
});
