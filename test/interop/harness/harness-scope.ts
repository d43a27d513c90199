/**
 * The lifetime of a group of peers: one temp directory for their configs and logs, and the list
 * of things to stop. `dispose()` stops everything (last started first) and removes the directory
 * - unless a test failed (or INTEROP_KEEP=1), in which case the directory is kept and its path and
 * the tail of every peer log are printed. `useHarnessScope()` (vitest-scope.ts) wires this to a
 * test file's hooks.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ManagedProcess } from './managed-process.js';

/** Anything the scope stops at the end (peers, servers, sockets). */
export interface Stoppable {
  stop(): Promise<unknown>;
}

export interface DisposeOptions {
  /** Keep the directory and print logs (a test failed). */
  readonly failed?: boolean;
}

export class HarnessScope {
  readonly dir: string;
  private readonly owned: Stoppable[] = [];
  private readonly processes: ManagedProcess[] = [];
  private readonly names = new Map<string, number>();
  private failed = false;
  private disposed = false;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** A scope with a fresh temp directory `$TMPDIR/softphone-interop-<label>-XXXXXX`. */
  static create(label: string): HarnessScope {
    const safe = label.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40);
    return new HarnessScope(mkdtempSync(join(tmpdir(), `softphone-interop-${safe}-`)));
  }

  /** A new, unique subdirectory (`kamailio`, `kamailio-2`, ...). */
  subdir(name: string): string {
    const n = (this.names.get(name) ?? 0) + 1;
    this.names.set(name, n);
    const dir = join(this.dir, n === 1 ? name : `${name}-${n}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Stops `item` when the scope is disposed (in reverse order of adoption). Returns it. */
  own<T extends Stoppable>(item: T): T {
    if (this.disposed) throw new Error('HarnessScope already disposed');
    this.owned.push(item);
    return item;
  }

  /** Lists a process for the failure report (its log tail is printed when a test fails). */
  track(process: ManagedProcess): void {
    this.processes.push(process);
  }

  /** Marks the scope failed: the directory is kept and logs are printed at dispose. */
  markFailed(): void {
    this.failed = true;
  }

  get hasFailed(): boolean {
    return this.failed;
  }

  /** Stops everything; removes the directory unless failed or INTEROP_KEEP=1. */
  async dispose(options: DisposeOptions = {}): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (options.failed === true) this.failed = true;
    const errors: unknown[] = [];
    for (const item of this.owned.reverse()) {
      try {
        await item.stop();
      } catch (e) {
        errors.push(e);
      }
    }
    const keep = this.failed || process.env.INTEROP_KEEP === '1' || errors.length > 0;
    if (keep) {
      const tails = this.processes.map((p) => `----- ${p.name} (${p.logPath}) -----\n${p.tail(40)}`).join('\n');
      console.warn(`\ninterop harness: keeping ${this.dir} (peer configs and logs)${this.failed ? ' because a test failed' : ''}\n${tails}\n`);
    } else {
      rmSync(this.dir, { recursive: true, force: true });
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, 'several harness items failed to stop');
  }
}
