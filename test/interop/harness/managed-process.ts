/**
 * One peer process: spawned in its own process group, stdout and stderr written by the kernel
 * straight into a log file (nothing is lost if the test process is busy), readiness by a log
 * line or a predicate, and a stop that escalates from SIGTERM to SIGKILL and always takes the
 * whole group down. Every process is in the global registry until its group is gone.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { isGroupAlive, registerProcess, unregisterProcess } from './process-registry.js';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface SpawnPeerOptions {
  /** Short name for messages and the registry ("kamailio", "baresip-alice"). */
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** stdout and stderr are appended here. */
  readonly logPath: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** First signal of `stop()`; default SIGTERM. */
  readonly stopSignal?: NodeJS.Signals;
  /** How long `stop()` waits after the first signal before SIGKILL; default 3000 ms. */
  readonly graceMs?: number;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  /** Only look at output after this byte offset (from `logSize()` before an action). */
  readonly fromOffset?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class ManagedProcess {
  readonly pid: number;
  readonly name: string;
  readonly logPath: string;
  /** Resolves when the leader exits (the group may take a moment longer: see `stop`). */
  readonly exited: Promise<ExitInfo>;
  private exitInfo: ExitInfo | undefined;
  private readonly child: ChildProcess;
  private readonly stopSignal: NodeJS.Signals;
  private readonly graceMs: number;
  private stopping: Promise<ExitInfo> | undefined;

  private constructor(options: SpawnPeerOptions) {
    this.name = options.name;
    this.logPath = options.logPath;
    this.stopSignal = options.stopSignal ?? 'SIGTERM';
    this.graceMs = options.graceMs ?? 3000;
    const fd = openSync(options.logPath, 'a');
    try {
      this.child = spawn(options.command, [...options.args], {
        cwd: options.cwd,
        env: options.env ?? process.env,
        stdio: ['ignore', fd, fd],
        detached: true, // own process group: stop() and the registry kill -PGID
      });
    } finally {
      closeSync(fd);
    }
    if (this.child.pid === undefined) {
      throw new Error(`${options.name}: could not spawn ${options.command}`);
    }
    this.pid = this.child.pid;
    registerProcess(this.pid, this.name);
    this.exited = new Promise<ExitInfo>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo ??= { code, signal };
        resolve(this.exitInfo);
      });
      // A late spawn error may come without 'exit': treat it as one.
      this.child.once('error', (e) => {
        this.appendNote(`spawn error: ${e.message}`);
        this.exitInfo ??= { code: -1, signal: null };
        resolve(this.exitInfo);
      });
    });
  }

  /** Spawns a peer; see `SpawnPeerOptions`. */
  static spawn(options: SpawnPeerOptions): ManagedProcess {
    return new ManagedProcess(options);
  }

  /** True until the leader process has exited. */
  get running(): boolean {
    return this.exitInfo === undefined;
  }

  get exitStatus(): ExitInfo | undefined {
    return this.exitInfo;
  }

  /** The whole log so far (stdout and stderr interleaved). */
  output(fromOffset = 0): string {
    try {
      return readFileSync(this.logPath).subarray(fromOffset).toString('utf8');
    } catch {
      return '';
    }
  }

  /** Current size of the log in bytes; pass it as `fromOffset` to wait only for new output. */
  logSize(): number {
    try {
      return statSync(this.logPath).size;
    } catch {
      return 0;
    }
  }

  /** The last `lines` lines of the log (for failure messages). */
  tail(lines = 30): string {
    return this.output().split('\n').slice(-lines).join('\n');
  }

  /**
   * Waits until the log (from `fromOffset`) matches `pattern`; rejects with the log tail if the
   * process exits first or after `timeoutMs` (default 10 s). Returns the match.
   */
  async waitForOutput(pattern: RegExp | string, options: WaitOptions = {}): Promise<RegExpMatchArray> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = this.output(options.fromOffset ?? 0).match(re);
      if (m !== null) return m;
      if (!this.running) {
        throw new Error(`${this.name} exited (${describeExit(this.exitInfo)}) before printing ${re}:\n${this.tail()}`);
      }
      if (Date.now() > deadline) throw new Error(`${this.name}: no ${re} in its output after ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(50);
    }
  }

  /** Polls `check` until it returns true; fails early if the process exits. */
  async waitUntil(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check()) return;
      if (!this.running) throw new Error(`${this.name} exited (${describeExit(this.exitInfo)}) before ${what}:\n${this.tail()}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: not ${what} after ${timeoutMs} ms:\n${this.tail()}`);
      await sleep(50);
    }
  }

  /** Sends a signal to the whole process group. */
  signal(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // already gone
    }
  }

  /**
   * Stops the peer: `stopSignal` to the group, SIGKILL after the grace period, and returns only
   * once no process of the group is left. Idempotent.
   */
  stop(graceMs = this.graceMs): Promise<ExitInfo> {
    this.stopping ??= this.doStop(graceMs);
    return this.stopping;
  }

  private async doStop(graceMs: number): Promise<ExitInfo> {
    if (this.running || isGroupAlive(this.pid)) {
      this.signal(this.stopSignal);
      const timer = sleep(graceMs).then(() => 'timeout' as const);
      const first = await Promise.race([this.exitedGroup(), timer]);
      if (first === 'timeout') {
        this.appendNote(`did not stop within ${graceMs} ms of ${this.stopSignal}: SIGKILL`);
        this.signal('SIGKILL');
        const killed = await Promise.race([this.exitedGroup(), sleep(5000).then(() => 'stuck' as const)]);
        if (killed === 'stuck') throw new Error(`${this.name} (pgid ${this.pid}) survived SIGKILL for 5 s`);
      }
    }
    unregisterProcess(this.pid);
    return this.exitInfo ?? { code: null, signal: null };
  }

  private async exitedGroup(): Promise<'gone'> {
    if (this.running) await this.exited;
    while (isGroupAlive(this.pid)) await sleep(25);
    return 'gone';
  }

  private appendNote(text: string): void {
    try {
      appendFileSync(this.logPath, `\n[harness] ${this.name}: ${text}\n`);
    } catch {
      // best effort
    }
  }
}

export function describeExit(info: ExitInfo | undefined): string {
  if (info === undefined) return 'still running';
  if (info.signal !== null) return `signal ${info.signal}`;
  return `exit code ${String(info.code)}`;
}
