/**
 * Free ports on loopback for the interop peers. Other test files (and other people's runs on a
 * shared machine) start peers at the same time, so a port is only ever "probably free": it is
 * chosen at random below the kernel's ephemeral range (32768+) so that outgoing connections do not
 * take it in the meantime, proven bindable for every protocol the caller needs, and the peer
 * start-up retries with fresh ports when the bind still races (see `retryOnPortClash`).
 */
import { createSocket } from 'node:dgram';
import { createConnection, createServer } from 'node:net';

export type LoopbackHost = '127.0.0.1' | '::1';
export type PortProtocol = 'tcp' | 'udp';

/** Peers are only ever bound here: never a wildcard or a routable address. */
export const LOOPBACK_V4: LoopbackHost = '127.0.0.1';
export const LOOPBACK_V6: LoopbackHost = '::1';

const RANGE_LOW = 20_000;
const RANGE_HIGH = 32_000;
const handedOut = new Set<number>();

function bindTcp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function bindUdp(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.unref();
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** True when `port` can be bound right now on every given host for every given protocol. */
export async function isPortFree(
  port: number,
  protocols: readonly PortProtocol[] = ['tcp'],
  hosts: readonly LoopbackHost[] = [LOOPBACK_V4],
): Promise<boolean> {
  for (const host of hosts) {
    for (const protocol of protocols) {
      const ok = protocol === 'tcp' ? await bindTcp(host, port) : await bindUdp(host, port);
      if (!ok) return false;
    }
  }
  return true;
}

export interface AllocateOptions {
  /** Protocols that must all be free on the port (Kamailio binds UDP and TCP on one port). */
  readonly protocols?: readonly PortProtocol[];
  /** Hosts to check; default 127.0.0.1 only. Add ::1 for peers that listen on both. */
  readonly hosts?: readonly LoopbackHost[];
  /**
   * Number of consecutive ports needed from the returned base (baresip binds its TLS listener on
   * `sip_listen` port + 1). Default 1.
   */
  readonly consecutive?: number;
  /** Ports to avoid (already chosen for the same peer). */
  readonly exclude?: Iterable<number>;
}

/**
 * A random free loopback port (the first of `consecutive` free ones). Never returns a port this
 * process handed out before, so two peers started by one test file never collide with each other.
 */
export async function allocatePort(options: AllocateOptions = {}): Promise<number> {
  const protocols = options.protocols ?? ['tcp'];
  const hosts = options.hosts ?? [LOOPBACK_V4];
  const count = options.consecutive ?? 1;
  const exclude = new Set(options.exclude ?? []);
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = RANGE_LOW + Math.floor(Math.random() * (RANGE_HIGH - RANGE_LOW - count));
    const candidates = Array.from({ length: count }, (_, i) => base + i);
    if (candidates.some((p) => handedOut.has(p) || exclude.has(p))) continue;
    let free = true;
    for (const p of candidates) {
      if (!(await isPortFree(p, protocols, hosts))) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    for (const p of candidates) handedOut.add(p);
    return base;
  }
  throw new Error(`no free loopback port found for ${protocols.join('+')} on ${hosts.join(', ')}`);
}

/** Several distinct free ports at once (each for the given protocols). */
export async function allocatePorts(n: number, options: Omit<AllocateOptions, 'consecutive'> = {}): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await allocatePort({ ...options, exclude: [...(options.exclude ?? []), ...out] }));
  return out;
}

/** True when something accepts TCP connections on host:port. */
export function canConnectTcp(port: number, host: LoopbackHost = LOOPBACK_V4, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Polls until host:port accepts TCP connections; rejects after `timeoutMs`. */
export async function waitForTcpPort(port: number, host: LoopbackHost = LOOPBACK_V4, timeoutMs = 10_000, abort?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const why = abort?.();
    if (why !== undefined) throw new Error(why);
    if (await canConnectTcp(port, host, 500)) return;
    if (Date.now() > deadline) throw new Error(`nothing listening on ${host}:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True when a start-up failure looks like a lost port race (EADDRINUSE in the peer's log). */
export function looksLikePortClash(log: string): boolean {
  return /address already in use|EADDRINUSE|could not bind|bind\(\) failed|cannot bind/i.test(log);
}

/**
 * Runs `start` (which allocates its own ports) up to `attempts` times while it fails with what
 * looks like a port clash; any other failure is rethrown at once.
 */
export async function retryOnPortClash<T>(start: (attempt: number) => Promise<T>, attempts = 3): Promise<T> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await start(i);
    } catch (e) {
      last = e;
      if (!(e instanceof PortClashError)) throw e;
    }
  }
  throw last instanceof Error ? last : new Error(String(last));
}

/** Thrown by a peer start-up that lost a port race; `retryOnPortClash` tries again. */
export class PortClashError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortClashError';
  }
}
