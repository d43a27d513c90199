/**
 * What a long run may leak, sampled the same way before, during and after: libuv handles and
 * requests by type (process.getActiveResourcesInfo), open file descriptors (/proc/self/fd),
 * heap after a forced GC (node --expose-gc), RSS.
 */
import { readdirSync } from 'node:fs';

export interface ResourceSample {
  /** Active resources by type: TCPSocketWrap, UDPWRAP, Timeout, FSReqCallback, … */
  readonly byType: Readonly<Record<string, number>>;
  /** All of them. */
  readonly handles: number;
  readonly timers: number;
  readonly sockets: number;
  /** Open file descriptors, or -1 where /proc is not there. */
  readonly fds: number;
  readonly heapMB: number;
  readonly rssMB: number;
}

const MB = 1024 * 1024;
const round = (x: number): number => Math.round(x * 10) / 10;

/** Forces a full GC when node runs with --expose-gc (twice: weak callbacks free more on the second). */
export function forceGc(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) return false;
  gc();
  gc();
  return true;
}

export function heapMB(): number {
  return round(process.memoryUsage().heapUsed / MB);
}

export function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

export function sampleResources(): ResourceSample {
  forceGc();
  const byType: Record<string, number> = {};
  const info = process.getActiveResourcesInfo();
  for (const t of info) byType[t] = (byType[t] ?? 0) + 1;
  const sockets = Object.entries(byType)
    .filter(([t]) => /TCP|UDP|Pipe|TLS|Socket/i.test(t))
    .reduce((n, [, c]) => n + c, 0);
  const mem = process.memoryUsage();
  return { byType, handles: info.length, timers: byType.Timeout ?? 0, sockets, fds: openFds(), heapMB: round(mem.heapUsed / MB), rssMB: round(mem.rss / MB) };
}
