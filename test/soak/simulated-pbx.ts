/**
 * A scripted world for the registration soak, driven entirely by the soak's FakeClock: a TCP-like
 * network (in-memory sockets with a one-way latency, which a test can black-hole, reset or move
 * to a new local address), and a registrar on it that can restart (drops every flow, forgets
 * bindings and nonces, refuses connections, then answers 503 with Retry-After, then serves
 * again). It is the real stack that runs against it: AccountConnectionFactory → AccountFlow →
 * SipStreamFlow (framing, keep-alive) → transaction layer → RegistrationClient.
 *
 * The registrar is also the judge: a binding counts only while it is unexpired (by the server's
 * wall clock) and its flow still reaches the phone (open, not black-holed, not forgotten).
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { err, ok, type Result } from '../../src-main/base/result.js';
import type { TcpConnection, TcpConnector, TcpConnectRequest } from '../../src-main/platform/net/tcp-connector.js';
import { fromSocketError, tlsError, type TlsError } from '../../src-main/platform/tls/tls-error.js';
import type { FakeClock } from '../fakes/fake-clock.js';

export const PBX_ADDRESS = '192.0.2.10';
export const PBX_PORT = 5060;

function errno(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** The phone's end of one simulated TCP connection (only what SipStreamFlow uses of net.Socket). */
class SimSocket extends EventEmitter {
  private paused = true;
  private queued: (() => void)[] = [];
  destroyed = false;

  constructor(
    private readonly conn: SimConnection,
    readonly localAddress: string,
    readonly localPort: number,
  ) {
    super();
  }

  readonly remoteAddress = PBX_ADDRESS;
  readonly remotePort = PBX_PORT;

  setNoDelay(): this {
    return this;
  }

  pause(): this {
    this.paused = true;
    return this;
  }

  resume(): this {
    this.paused = false;
    const q = this.queued;
    this.queued = [];
    for (const f of q) f();
    return this;
  }

  write(bytes: Uint8Array | string): boolean {
    if (this.destroyed) return false;
    this.conn.net.carryUp(this.conn, Buffer.from(bytes));
    return true;
  }

  end(): this {
    if (!this.destroyed) this.conn.net.finUp(this.conn);
    return this;
  }

  destroy(): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.conn.net.clientGone(this.conn);
    return this;
  }

  /** Inbound events, held while paused (as a paused net.Socket holds 'data'). */
  inbound(f: () => void): void {
    if (this.destroyed) return;
    if (this.paused) this.queued.push(f);
    else f();
  }
}

export interface SimConnection {
  readonly id: number;
  readonly net: SimNetwork;
  readonly socket: SimSocket;
  /** Packets vanish both ways, nothing tells either side (NAT timeout, route gone). */
  blackholed: boolean;
  /** The server forgot the connection (it timed out while the phone slept): a write gets RST. */
  forgotten: boolean;
  /** Closed by either end. */
  closed: boolean;
  /** Server-side receive buffer. */
  rx: Buffer;
}

/** The network between the phone and the registrar. */
export class SimNetwork implements TcpConnector {
  private nextConnId = 1;
  private nextPort = 40_000;
  private inFlight = 0;
  readonly connections = new Set<SimConnection>();
  /** The phone's current interface address (what NetworkMonitor reads); undefined: offline. */
  localAddress: string | undefined = '10.0.0.5';
  pbx: SimPbx | undefined;
  connectAttempts = 0;

  constructor(
    readonly clock: FakeClock,
    readonly latencyMs = 10,
  ) {}

  /** Timers the network itself holds (packets in flight), to subtract from the phone's. */
  get packetsInFlight(): number {
    return this.inFlight;
  }

  connect(req: TcpConnectRequest): Promise<Result<TcpConnection, { readonly error: TlsError }>> {
    this.connectAttempts++;
    return new Promise((resolve) => {
      const local = this.localAddress;
      this.later(() => {
        if (req.signal?.aborted === true) return resolve(err({ error: tlsError('aborted') }));
        if (local === undefined || local !== this.localAddress) return resolve(err({ error: fromSocketError(errno('ENETUNREACH'), { serverCertificateSeen: false, clientCertificateConfigured: false }) }));
        if (req.address !== PBX_ADDRESS || req.port !== PBX_PORT || this.pbx === undefined || !this.pbx.accepting) {
          return resolve(err({ error: fromSocketError(errno('ECONNREFUSED'), { serverCertificateSeen: false, clientCertificateConfigured: false }) }));
        }
        this.nextPort = this.nextPort >= 60_000 ? 40_000 : this.nextPort + 1;
        const port = this.nextPort;
        const conn: SimConnection = {
          id: this.nextConnId++,
          net: this,
          blackholed: false,
          forgotten: false,
          closed: false,
          rx: Buffer.alloc(0),
          get socket(): SimSocket {
            return socket;
          },
        };
        const socket = new SimSocket(conn, local, port);
        this.connections.add(conn);
        this.pbx.accepted(conn);
        let adopted = false;
        resolve(
          ok({
            adopt: () => {
              adopted = true;
              return { socket: conn.socket as unknown as Socket, initialData: [], ended: false };
            },
            dispose: () => {
              if (!adopted) conn.socket.destroy();
            },
          }),
        );
      });
    });
  }

  /** Phone → registrar. */
  carryUp(conn: SimConnection, bytes: Buffer): void {
    if (conn.closed || conn.blackholed) return;
    if (conn.forgotten) {
      // The server's TCP has no such connection any more: it answers with a reset.
      this.later(() => this.resetClient(conn));
      return;
    }
    this.later(() => {
      if (!conn.closed && !conn.blackholed) this.pbx?.received(conn, bytes);
    });
  }

  /** Registrar → phone. */
  carryDown(conn: SimConnection, bytes: Buffer): void {
    if (conn.closed || conn.blackholed || conn.forgotten) return;
    this.later(() => {
      if (conn.closed || conn.blackholed) return;
      conn.socket.inbound(() => conn.socket.emit('data', bytes));
    });
  }

  /** The phone half-closes: the server closes its side too. */
  finUp(conn: SimConnection): void {
    if (conn.closed || conn.blackholed || conn.forgotten) return;
    this.later(() => this.close(conn));
  }

  /** The phone destroyed its socket. */
  clientGone(conn: SimConnection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    this.pbx?.closed(conn);
  }

  /** The server closes a connection: FIN reaches the phone (unless the path is dead). */
  serverClose(conn: SimConnection): void {
    if (conn.closed) return;
    const reaches = !conn.blackholed && !conn.forgotten;
    conn.closed = true;
    this.connections.delete(conn);
    this.pbx?.closed(conn);
    if (reaches) {
      this.later(() =>
        conn.socket.inbound(() => {
          conn.socket.emit('end');
          conn.socket.emit('close', false);
        }),
      );
    }
  }

  /** Every current connection goes silent (NAT binding lost, the route went away). */
  blackholeAll(): number {
    let n = 0;
    for (const c of this.connections) {
      if (!c.blackholed) n++;
      c.blackholed = true;
    }
    return n;
  }

  /** The interface address changes: the old flows are dead, new ones use the new address. */
  changeAddress(address: string): void {
    this.blackholeAll();
    this.localAddress = address;
  }

  private close(conn: SimConnection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    this.pbx?.closed(conn);
    conn.socket.inbound(() => {
      conn.socket.emit('end');
      conn.socket.emit('close', false);
    });
  }

  private resetClient(conn: SimConnection): void {
    if (conn.closed) return;
    conn.closed = true;
    this.connections.delete(conn);
    conn.socket.inbound(() => {
      conn.socket.emit('error', errno('ECONNRESET'));
      conn.socket.emit('close', true);
    });
  }

  private later(f: () => void): void {
    this.inFlight++;
    this.clock.setTimer(this.latencyMs, () => {
      this.inFlight--;
      f();
    });
  }
}

interface Binding {
  readonly conn: SimConnection;
  readonly expiresAt: number;
  readonly contact: string;
}

type PbxPhase = { kind: 'up' } | { kind: 'down'; until: number } | { kind: 'starting'; until: number };

export interface RegisterRecord {
  /** Server wall time. */
  readonly at: number;
  readonly status: number;
}

/** A registrar with digest challenges, bindings per AOR, and a restart script. */
export class SimPbx {
  private phase: PbxPhase = { kind: 'up' };
  private readonly bindings = new Map<string, Binding>();
  private nonce = '';
  private boots = 0;
  readonly registers: RegisterRecord[] = [];
  /** REGISTERs per started minute of server time (the storm check), kept as counts only. */
  readonly perMinute = new Map<number, number>();
  maxPerMinute = 0;
  requests = 0;
  pings = 0;

  constructor(
    private readonly net: SimNetwork,
    private readonly clock: FakeClock,
    private readonly maxExpires = 3600,
  ) {
    net.pbx = this;
    this.boot();
  }

  get accepting(): boolean {
    this.tick();
    return this.phase.kind !== 'down';
  }

  get serving(): boolean {
    this.tick();
    return this.phase.kind === 'up';
  }

  get phaseKind(): PbxPhase['kind'] {
    this.tick();
    return this.phase.kind;
  }

  /** Restart: every flow closed (FIN), bindings and nonces forgotten, refusing for `downMs`, 503 for `startingMs`. */
  restart(downMs: number, startingMs: number): void {
    for (const c of [...this.net.connections]) this.net.serverClose(c);
    this.bindings.clear();
    const now = this.clock.now();
    this.phase = downMs > 0 ? { kind: 'down', until: now + downMs } : { kind: 'starting', until: now + startingMs };
    this.pendingStarting = startingMs;
    this.boot();
  }

  /** The server times out the connections of a phone that slept: they are forgotten, without a FIN. */
  forgetConnections(): void {
    for (const c of [...this.net.connections]) {
      c.forgotten = true;
      this.closed(c);
    }
  }

  /** Whether `aor` has a binding that reaches the phone now; else since when it has not (when known). */
  boundState(aor: string): { bound: true } | { bound: false; since?: number } {
    const b = this.bindings.get(aor);
    if (b === undefined) return { bound: false };
    if (b.expiresAt <= this.clock.now()) return { bound: false, since: b.expiresAt };
    if (b.conn.closed || b.conn.blackholed || b.conn.forgotten) return { bound: false };
    return { bound: true };
  }

  get bindingCount(): number {
    return this.bindings.size;
  }

  accepted(conn: SimConnection): void {
    void conn;
  }

  closed(conn: SimConnection): void {
    conn.rx = Buffer.alloc(0);
  }

  received(conn: SimConnection, bytes: Buffer): void {
    this.tick();
    conn.rx = conn.rx.length === 0 ? bytes : Buffer.concat([conn.rx, bytes]);
    for (;;) {
      // RFC 5626 §3.5.1: a double CRLF is a ping, answered with one CRLF.
      if (conn.rx.length >= 4 && conn.rx.subarray(0, 4).toString('latin1') === '\r\n\r\n') {
        conn.rx = conn.rx.subarray(4);
        this.pings++;
        this.net.carryDown(conn, Buffer.from('\r\n'));
        continue;
      }
      if (conn.rx.length >= 2 && conn.rx.subarray(0, 2).toString('latin1') === '\r\n' && conn.rx.length < 4) return;
      const end = conn.rx.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = conn.rx.subarray(0, end).toString('latin1');
      const length = Number(/^(?:content-length|l)\s*:\s*(\d+)/im.exec(head)?.[1] ?? '0');
      if (conn.rx.length < end + 4 + length) return;
      conn.rx = conn.rx.subarray(end + 4 + length);
      this.request(conn, head);
    }
  }

  private pendingStarting = 0;

  private tick(): void {
    const now = this.clock.now();
    if (this.phase.kind === 'down' && now >= this.phase.until) this.phase = this.pendingStarting > 0 ? { kind: 'starting', until: this.phase.until + this.pendingStarting } : { kind: 'up' };
    if (this.phase.kind === 'starting' && now >= this.phase.until) this.phase = { kind: 'up' };
  }

  /** When the server will serve again (wall time), or now if it does. */
  get backAt(): number {
    this.tick();
    if (this.phase.kind === 'up') return this.clock.now();
    if (this.phase.kind === 'down') return this.phase.until + this.pendingStarting;
    return this.phase.until;
  }

  private boot(): void {
    this.boots++;
    this.nonce = `boot${this.boots}-${this.clock.now().toString(36)}`;
  }

  private request(conn: SimConnection, head: string): void {
    const lines = head.split('\r\n');
    const start = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(lines[0] ?? '');
    if (start === null) return; // a response from the phone: nothing we sent needs one
    this.requests++;
    const method = start[1]!;
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers.push([line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim()]);
    }
    const all = (...names: string[]): string[] => headers.filter(([n]) => names.includes(n)).map(([, v]) => v);
    const one = (...names: string[]): string | undefined => all(...names)[0];
    if (method === 'ACK') return;
    const respond = (status: number, reason: string, extra: string[] = []): void => {
      const to = one('to', 't') ?? '';
      const out = [
        `SIP/2.0 ${status} ${reason}`,
        ...all('via', 'v').map((v) => `Via: ${v}`),
        `From: ${one('from', 'f') ?? ''}`,
        `To: ${/;tag=/i.test(to) || status === 100 ? to : `${to};tag=pbx${this.boots}`}`,
        `Call-ID: ${one('call-id', 'i') ?? ''}`,
        `CSeq: ${one('cseq') ?? ''}`,
        ...extra,
        'Server: soak-pbx',
        'Content-Length: 0',
        '',
        '',
      ];
      this.net.carryDown(conn, Buffer.from(out.join('\r\n'), 'latin1'));
    };
    if (method !== 'REGISTER') {
      if (method === 'OPTIONS') respond(200, 'OK');
      else if (method === 'SUBSCRIBE') respond(489, 'Bad Event');
      else respond(501, 'Not Implemented');
      return;
    }
    const now = this.clock.now();
    const minute = Math.floor(now / 60_000);
    const count = (this.perMinute.get(minute) ?? 0) + 1;
    this.perMinute.set(minute, count);
    if (this.perMinute.size > 4) this.perMinute.delete(this.perMinute.keys().next().value as number);
    this.maxPerMinute = Math.max(this.maxPerMinute, count);
    const record = (status: number): void => {
      this.registers.push({ at: now, status });
    };
    if (this.phase.kind === 'starting') {
      const retryAfter = Math.max(1, Math.ceil((this.phase.until - now) / 1000));
      record(503);
      respond(503, 'Service Unavailable', [`Retry-After: ${retryAfter}`]);
      return;
    }
    const auth = one('authorization');
    if (auth === undefined || !auth.includes(`nonce="${this.nonce}"`)) {
      record(401);
      respond(401, 'Unauthorized', [`WWW-Authenticate: Digest realm="soak.test", nonce="${this.nonce}", qop="auth", algorithm=MD5${auth === undefined ? '' : ', stale=true'}`]);
      return;
    }
    const aor = /<([^>]+)>/.exec(one('to', 't') ?? '')?.[1] ?? '';
    const contact = one('contact', 'm') ?? '';
    const expiresHeader = Number(one('expires') ?? 'NaN');
    const contactExpires = Number(/;expires=(\d+)/i.exec(contact)?.[1] ?? 'NaN');
    const requested = Number.isFinite(contactExpires) ? contactExpires : Number.isFinite(expiresHeader) ? expiresHeader : 3600;
    if (requested === 0) {
      this.bindings.delete(aor);
      record(200);
      respond(200, 'OK');
      return;
    }
    const granted = Math.min(requested, this.maxExpires);
    this.bindings.set(aor, { conn, expiresAt: now + granted * 1000, contact });
    record(200);
    respond(200, 'OK', [`Contact: ${contact.replace(/;expires=\d+/i, '')};expires=${granted}`]);
  }
}
