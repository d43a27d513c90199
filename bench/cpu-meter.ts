/**
 * This process's CPU (every thread: process.cpuUsage) over a measured span, with the span cut into
 * 10 s windows to show its shape (warm-up, steady state). One timer wake-up per window only: the
 * measurement must not wake the process it measures more than the call does.
 */
import { performance } from 'node:perf_hooks';

/** CPU % of one core from `from` (process.cpuUsage()) and `wall` (performance.now()) to now. */
export function cpuPctSince(from: NodeJS.CpuUsage, wall: number): number {
  const u = process.cpuUsage(from);
  return ((u.user + u.system) / 1000 / (performance.now() - wall)) * 100;
}

export class CpuMeter {
  private readonly from = process.cpuUsage();
  private readonly wall = performance.now();
  private readonly windows: number[] = [];
  private windowFrom = this.from;
  private windowWall = this.wall;
  private readonly sampler: NodeJS.Timeout;

  constructor(windowMs = 10_000) {
    this.sampler = setInterval(() => {
      this.windows.push(+cpuPctSince(this.windowFrom, this.windowWall).toFixed(2));
      this.windowFrom = process.cpuUsage();
      this.windowWall = performance.now();
    }, windowMs);
  }

  /** Stops the windows; the whole span's CPU % of one core, its windows and its length. */
  stop(): { cpuPct: number; cpuPctBy10s: number[]; seconds: number } {
    clearInterval(this.sampler);
    return { cpuPct: cpuPctSince(this.from, this.wall), cpuPctBy10s: [...this.windows], seconds: (performance.now() - this.wall) / 1000 };
  }
}
