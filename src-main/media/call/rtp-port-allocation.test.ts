import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { FakeRtpNetwork } from '../../../test/fakes/fake-rtp-network.js';
import { err } from '../../base/result.js';
import { allocateRtpSocketPair } from './rtp-port-allocation.js';
import type { RtpSocketFactory } from './rtp-socket-port.js';

const network = (): FakeRtpNetwork => new FakeRtpNetwork(new FakeClock(), new FakeRng(1));

describe('allocateRtpSocketPair (RFC 3550 §11: even RTP port, RTCP on the next)', () => {
  it('skips odd ports the OS hands out and releases them', async () => {
    const net = network();
    net.bind('127.0.0.1', 20000); // the next ephemeral port will be odd
    const r = await allocateRtpSocketPair(net.factory, '127.0.0.1', new FakeRng(1));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.rtp.localPort % 2).toBe(0);
    expect(r.value.rtcp.localPort).toBe(r.value.rtp.localPort + 1);
    expect(net.openSockets).toBe(3);
  });

  it('retries when the RTCP neighbour is taken', async () => {
    const net = network();
    net.busy.add(20001);
    const r = await allocateRtpSocketPair(net.factory, '127.0.0.1', new FakeRng(1));
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.rtp.localPort).not.toBe(20000);
    expect(r.value.rtcp.localPort).toBe(r.value.rtp.localPort + 1);
    expect(net.openSockets).toBe(2);
  });

  it('picks even ports inside a configured range', async () => {
    const net = network();
    for (let i = 0; i < 10; i++) {
      const r = await allocateRtpSocketPair(net.factory, '127.0.0.1', new FakeRng(i + 1), { min: 30001, max: 30011 });
      if (!r.ok) throw new Error(r.error.message);
      expect(r.value.rtp.localPort % 2).toBe(0);
      expect(r.value.rtp.localPort).toBeGreaterThanOrEqual(30002);
      expect(r.value.rtcp.localPort).toBeLessThanOrEqual(30011);
      r.value.rtp.dispose();
      r.value.rtcp.dispose();
    }
  });

  it('gives up with the error when the address cannot be bound at all', async () => {
    const failing: RtpSocketFactory = { bind: () => Promise.resolve(err({ code: 'address-unavailable', message: 'no such address' })) };
    const r = await allocateRtpSocketPair(failing, '192.0.2.1', new FakeRng(1));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('address-unavailable');
  });

  it('gives up after a bounded number of attempts when every port is taken', async () => {
    const net = network();
    for (let p = 30000; p < 30010; p++) net.busy.add(p);
    const r = await allocateRtpSocketPair(net.factory, '127.0.0.1', new FakeRng(1), { min: 30000, max: 30009 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('address-in-use');
    expect(net.openSockets).toBe(0);
  });
});
