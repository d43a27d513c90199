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
    expect(seen).toEqual([{ added: ['tun0/10.8.0.2'], removed: [] }]);
    current = { lo: [iface('127.0.0.1', true)], tun0: [iface('10.8.0.2')] };
    clock.advance(3000);
    expect(seen[1]).toEqual({ added: [], removed: ['wlan0/192.0.2.7'] });
    monitor.dispose();
    expect(clock.pendingTimers).toBe(0);
  });
});
