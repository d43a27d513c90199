/**
 * An in-memory UDP network behind media's RtpSocketFactory port: sockets bound on any address,
 * datagrams carried by SimulatedPath (delay, jitter, loss, duplicates, reordering) on the injected
 * Clock - deterministic under a FakeClock and a seeded Rng. Every datagram is copied on send, as
 * the kernel would (receivers decrypt in place). `translate` rewrites source ports like a NAT.
 */
import type { Clock } from '../../src-main/base/clock.js';
import { Emitter } from '../../src-main/base/event.js';
import { err, ok, type Result } from '../../src-main/base/result.js';
import type { Rng } from '../../src-main/base/rng.js';
import type { RtpDatagram, RtpSocket, RtpSocketError, RtpSocketFactory } from '../../src-main/media/call/rtp-socket-port.js';
import { SimulatedPath, type NetworkConditions } from './simulated-network.js';

interface Wire {
  readonly bytes: Uint8Array;
  readonly from: { address: string; port: number };
  readonly to: string;
}

class FakeRtpSocket implements RtpSocket {
  readonly datagrams = new Emitter<RtpDatagram>();
  private readonly errors = new Emitter<RtpSocketError>();
  readonly onDatagram = this.datagrams.event;
  readonly onError = this.errors.event;
  sendErrors = 0;
  disposed = false;
  readonly sent: { bytes: Uint8Array; port: number; address: string }[] = [];

  constructor(
    private readonly network: FakeRtpNetwork,
    readonly localAddress: string,
    readonly localPort: number,
  ) {}

  send(bytes: Uint8Array, port: number, address: string): void {
    if (this.disposed) {
      this.sendErrors++;
      return;
    }
    const copy = Uint8Array.from(bytes);
    if (this.network.keepSent) this.sent.push({ bytes: copy, port, address });
    this.network.carry(this, copy, address, port);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.datagrams.dispose();
    this.errors.dispose();
    this.network.release(this);
  }
}

export class FakeRtpNetwork {
  private readonly sockets = new Map<string, FakeRtpSocket>();
  private readonly paths = new Map<string, SimulatedPath<Wire>>();
  private nextPort = 20000;
  private readonly nat = new Map<string, number>();
  /** Keep a copy of every datagram sent, per socket (tests inspect them). */
  keepSent = true;
  /** Ports the next binds must report as in use. */
  readonly busy = new Set<number>();
  delivered = 0;
  undeliverable = 0;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private conditions: NetworkConditions = {},
  ) {}

  readonly factory: RtpSocketFactory = {
    bind: (address, port) => Promise.resolve(this.bind(address, port)),
  };

  bind(address: string, port: number): Result<FakeRtpSocket, RtpSocketError> {
    let p = port;
    if (p === 0) {
      do p = this.nextPort++;
      while (this.sockets.has(`${address}:${p}`) || this.busy.has(p));
    }
    if (this.busy.has(p) || this.sockets.has(`${address}:${p}`)) return err({ code: 'address-in-use', message: `${address}:${p} in use` });
    const s = new FakeRtpSocket(this, address, p);
    this.sockets.set(`${address}:${p}`, s);
    return ok(s);
  }

  socketAt(address: string, port: number): FakeRtpSocket | undefined {
    return this.sockets.get(`${address}:${port}`);
  }

  get openSockets(): number {
    return this.sockets.size;
  }

  /** Impairments for datagrams sent from now on (all paths). */
  setConditions(conditions: NetworkConditions): void {
    this.conditions = conditions;
    for (const p of this.paths.values()) p.setConditions(conditions);
  }

  /** Datagrams from `address:port` appear to come from `address:publicPort` (a NAT's mapping). */
  translate(address: string, port: number, publicPort: number): void {
    this.nat.set(`${address}:${port}`, publicPort);
  }

  /** Injects a datagram as if `from` had sent it (strangers, attackers). */
  inject(bytes: Uint8Array, from: { address: string; port: number }, toAddress: string, toPort: number): void {
    this.deliver({ bytes: Uint8Array.from(bytes), from, to: `${toAddress}:${toPort}` });
  }

  carry(from: FakeRtpSocket, bytes: Uint8Array, address: string, port: number): void {
    const key = `${from.localAddress}:${from.localPort}`;
    const source = { address: from.localAddress, port: this.nat.get(key) ?? from.localPort };
    const to = `${address}:${this.reverseNat(address, port)}`;
    let path = this.paths.get(`${key}>${to}`);
    if (path === undefined) {
      path = new SimulatedPath<Wire>(this.clock, this.rng, this.conditions);
      path.onDeliver((d) => this.deliver(d.datagram));
      this.paths.set(`${key}>${to}`, path);
    }
    path.send({ bytes, from: source, to });
  }

  release(socket: FakeRtpSocket): void {
    this.sockets.delete(`${socket.localAddress}:${socket.localPort}`);
  }

  dispose(): void {
    for (const p of this.paths.values()) p.dispose();
    this.paths.clear();
  }

  private reverseNat(address: string, port: number): number {
    for (const [k, pub] of this.nat) if (pub === port && k.startsWith(`${address}:`)) return Number(k.slice(address.length + 1));
    return port;
  }

  private deliver(w: Wire): void {
    const s = this.sockets.get(w.to);
    if (s === undefined || s.disposed) {
      this.undeliverable++;
      return;
    }
    this.delivered++;
    s.datagrams.fire({ bytes: w.bytes, address: w.from.address, port: w.from.port });
  }
}
