import { describe, expect, it } from 'vitest';
import type { NetworkInterfaceInfo } from 'node:os';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { NetworkMonitor, type NetworkChange } from './network-monitor.js';

const iface = (address: string, internal = false): NetworkInterfaceInfo =>
  ({ address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/24` }) as NetworkInterfaceInfo;

describe('NetworkMonitor', () => {
  it('reports addresses that appear (VPN up) and disappear (Wi-Fi lost), ignoring loopback', () => {
    const clock = new FakeClock();
    let current: Record<string, NetworkInterfaceInfo[]> = { lo: [iface('127.0.0.1', true)], wlan0: [iface('192.0.2.7')] };
    const monitor = new NetworkMonitor(clock, 3000, () => current);
    const seen: NetworkChange[] = [];
    monitor.onChange((c) => seen.push(c));
    clock.advance(3000);
    expect(seen).toEqual([]);
    current = { ...current, tun0: [iface('10.8.0.2')] };
    clock.advance(3000);
    expect(seen).toEqual([{ added: ['tun0/10.8.0.2'], removed: [], resumed: false }]);
    current = { lo: [iface('127.0.0.1', true)], tun0: [iface('10.8.0.2')] };
    clock.advance(3000);
    expect(seen[1]).toEqual({ added: [], removed: ['wlan0/192.0.2.7'], resumed: false });
    monitor.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports a resume from sleep when the wall clock jumped past the check interval', () => {
    let wall = 1_000_000;
    const clock = new FakeClock();
    const sleeping = { ...clock, now: () => wall, setInterval: clock.setInterval.bind(clock), setTimer: clock.setTimer.bind(clock), monotonic: clock.monotonic.bind(clock) };
    const monitor = new NetworkMonitor(sleeping, 3000, () => ({ eth0: [iface('192.0.2.7')] }));
    const seen: NetworkChange[] = [];
    monitor.onChange((c) => seen.push(c));
    wall += 3000;
    clock.advance(3000);
    expect(seen).toEqual([]);
    wall += 3_600_000; // an hour asleep; the timer only fires once on wake-up
    clock.advance(3000);
    expect(seen).toEqual([{ added: [], removed: [], resumed: true }]);
    monitor.dispose();
  });
});
