/**
 * Notices network changes (an address appears or goes away: Wi-Fi switch, VPN up/down, cable
 * unplugged) by comparing the machine's interface addresses every few seconds. The phone
 * re-registers at once on a change instead of waiting for the next refresh - losing registration
 * after a network change is the most common complaint about softphones.
 */
import { networkInterfaces } from 'node:os';
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import { normalizeAddress } from './sip-hop.js';

export interface NetworkChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** The machine was asleep (the periodic check ran far later than scheduled). */
  readonly resumed: boolean;
}

/**
 * The machine's interface addresses now, loopback included (a flow to 127.0.0.1 is on loopback),
 * one spelling each: what a flow's local address is checked against on a change.
 */
export function machineAddresses(read: () => ReturnType<typeof networkInterfaces> = networkInterfaces): Set<string> {
  const out = new Set<string>();
  for (const addrs of Object.values(read())) for (const a of addrs ?? []) out.add(normalizeAddress(a.address));
  return out;
}

export class NetworkMonitor implements Disposable {
  private readonly emitter = new Emitter<NetworkChange>();
  readonly onChange: Event<NetworkChange> = this.emitter.event;
  private last: Set<string>;
  private readonly timer: Disposable;
  private lastTick: number;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 3000,
    private readonly read: () => ReturnType<typeof networkInterfaces> = networkInterfaces,
  ) {
    this.last = this.snapshot();
    this.lastTick = clock.now();
    this.timer = clock.setInterval(intervalMs, () => this.check());
  }

  /**
   * Compares now (also usable on demand). A check that runs much later than scheduled means the
   * machine slept (timers do not run during suspend, the wall clock does): flows are likely dead.
   */
  check(): void {
    const wall = this.clock.now();
    const resumed = wall - this.lastTick > this.intervalMs * 3 + 10_000;
    this.lastTick = wall;
    const now = this.snapshot();
    const added = [...now].filter((a) => !this.last.has(a));
    const removed = [...this.last].filter((a) => !now.has(a));
    this.last = now;
    if (added.length > 0 || removed.length > 0 || resumed) this.emitter.fire({ added, removed, resumed });
  }

  private snapshot(): Set<string> {
    const out = new Set<string>();
    for (const [name, addrs] of Object.entries(this.read())) {
      for (const a of addrs ?? []) if (!a.internal) out.add(`${name}/${a.address}`);
    }
    return out;
  }

  dispose(): void {
    this.timer.dispose();
    this.emitter.dispose();
  }
}
