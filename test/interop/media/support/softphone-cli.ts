/**
 * Our headless CLI as a child process, the way users and scripts run it:
 * `node out/cli/softphone.js call|answer --account FILE ... --json`. stdout is read as JSON event
 * lines; stderr (the JSON log) goes to a file in the harness scope. The process runs in its own
 * process group, is recorded in the harness process registry (killed if the test process dies)
 * and is owned by the scope, so it never outlives the test file.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessScope } from '../../harness/harness-scope.js';
import { isGroupAlive, registerProcess, unregisterProcess } from '../../harness/process-registry.js';

/** One `--json` stdout line of the CLI (`registered`, `answered`, `media`, `dtmf`, `ended`, ...). */
export interface CliEvent {
  readonly event: string;
  readonly time: string;
  readonly [key: string]: unknown;
}

export interface CliExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface StartCliOptions {
  readonly scope: HarnessScope;
  /** Built CLI bundle (ensureCliBuilt()). */
  readonly cliPath: string;
  /** Label for the log file and failure messages. */
  readonly name: string;
  readonly args: readonly string[];
  /** Working directory (account files, --play and --record are resolved against it). */
  readonly cwd: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class SoftphoneCli {
  readonly events: CliEvent[] = [];
  /** Lines of stdout that were not JSON events (there should be none under --json). */
  readonly strayStdout: string[] = [];
  readonly pid: number;
  readonly stderrPath: string;
  readonly exited: Promise<CliExit>;
  private exit: CliExit | undefined;
  private readonly waiters = new Set<() => void>();
  private stopping: Promise<void> | undefined;

  private constructor(
    private readonly child: ChildProcess,
    readonly name: string,
    stderrPath: string,
  ) {
    if (child.pid === undefined) throw new Error(`${name}: could not spawn the CLI`);
    this.pid = child.pid;
    this.stderrPath = stderrPath;
    registerProcess(this.pid, name);
    let partial = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.line(line);
    });
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        if (partial !== '') this.line(partial);
        this.exit ??= { code, signal };
        this.wake();
        resolve(this.exit);
      });
      child.once('error', (e) => {
        this.strayStdout.push(`spawn error: ${e.message}`);
        this.exit ??= { code: -1, signal: null };
        this.wake();
        resolve(this.exit);
      });
    });
  }

  static start(options: StartCliOptions): SoftphoneCli {
    const dir = options.scope.subdir(`cli-${options.name}`);
    const stderrPath = join(dir, 'stderr.jsonl');
    const fd = openSync(stderrPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [options.cliPath, ...options.args], {
        cwd: options.cwd,
        // The per-installation instance id (RFC 5626) is written under SOFTPHONE_HOME: keep it in the scope.
        env: { ...process.env, SOFTPHONE_HOME: join(dir, 'home') },
        stdio: ['ignore', 'pipe', fd],
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    const cli = new SoftphoneCli(child, options.name, stderrPath);
    options.scope.own(cli);
    return cli;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Waits for the first event (already received ones count) matching `event`/`predicate`. */
  async waitForEvent(event: string, options: { timeoutMs?: number; predicate?: (e: CliEvent) => boolean } = {}): Promise<CliEvent> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const found = this.events.find((e) => e.event === event && (options.predicate?.(e) ?? true));
      if (found !== undefined) return found;
      if (!this.running) throw new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before a '${event}' event; events: ${this.describeEvents()}\n${this.stderrTail()}`);
      if (Date.now() > deadline) throw new Error(`${this.name}: no '${event}' event within ${options.timeoutMs ?? 10_000} ms; events: ${this.describeEvents()}\n${this.stderrTail()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiters.add(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for the process to exit by itself (the call ended, or N calls answered). */
  async waitForExit(timeoutMs: number): Promise<CliExit> {
    const result = await Promise.race([this.exited, sleep(timeoutMs).then(() => undefined)]);
    if (result === undefined) throw new Error(`${this.name} still running after ${timeoutMs} ms; events: ${this.describeEvents()}\n${this.stderrTail()}`);
    return result;
  }

  of(event: string): CliEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  describeEvents(): string {
    return this.events.map((e) => e.event).join(', ') || '(none)';
  }

  stderr(): string {
    try {
      return readFileSync(this.stderrPath, 'utf8');
    } catch {
      return '';
    }
  }

  stderrTail(lines = 20): string {
    return `----- ${this.name} stderr (${this.stderrPath}) -----\n${this.stderr().split('\n').slice(-lines).join('\n')}`;
  }

  /** SIGTERM to the group (the CLI hangs up and exits), SIGKILL after 3 s; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.running || isGroupAlive(this.pid)) {
        signalGroup(this.pid, 'SIGTERM');
        const done = await Promise.race([this.exited.then(() => 'exited' as const), sleep(3000).then(() => 'timeout' as const)]);
        if (done === 'timeout') signalGroup(this.pid, 'SIGKILL');
        await this.exited;
        for (let i = 0; i < 200 && isGroupAlive(this.pid); i++) await sleep(25);
      }
      unregisterProcess(this.pid);
    })();
    return this.stopping;
  }

  private line(line: string): void {
    const text = line.trim();
    if (text === '') return;
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === 'object' && parsed !== null && typeof (parsed as { event?: unknown }).event === 'string') {
        this.events.push(parsed as CliEvent);
        this.wake();
        return;
      }
    } catch {
      // fall through
    }
    this.strayStdout.push(text);
  }

  private wake(): void {
    const ws = [...this.waiters];
    this.waiters.clear();
    for (const w of ws) w();
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}
