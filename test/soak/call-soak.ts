/**
 * Call soak (issue 15 "Soak and recovery"): on the real loopback stack, N short calls through a
 * real Kamailio over TLS with SDES-SRTP: our phone (createHeadlessPhone, the CLI's composition:
 * real TLS/TCP/UDP transports, RTP sockets, file/null audio) calls our second phone, which
 * answers; the caller hangs up; both must see the call end. A few calls may run at once.
 *
 * Sampled after a warm-up, along the way and after the last call has settled: libuv handles and
 * requests by type, open file descriptors, timers, sockets, heap after a forced GC, RSS (see
 * resources.ts), and Kamailio's RSS. Growth beyond the bounds is a violation. One JSON line each:
 *   {"soak":"calls","progress":true,"calls":…}         along the way
 *   {"soak":"calls","calls":…,"failed":…,"handlesBefore":…,"handlesAfter":…,"heapBeforeMB":…,…}
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import type { CliIo } from '../../src-main/cli/cli-io.js';
import { createHeadlessPhone, type HeadlessPhone } from '../../src-main/cli/headless-phone.js';
import type { PhoneEvent } from '../../src-main/services/phone/phone-service.js';
import { AccountConfigSchema } from '../../src-shared/model/account.js';
import { checkPeers } from '../interop/harness/peers.js';
import { HarnessScope } from '../interop/harness/harness-scope.js';
import { startKamailio, type Kamailio } from '../interop/harness/kamailio/kamailio.js';
import { sampleResources, type ResourceSample } from './resources.js';

/** Calls a callee may take within the linger window (its cap is 64 tracked calls, ended ones included for 32 s). */
const CALLEE_CALLS_PER_WINDOW = 48;
const CALLEE_WINDOW_MS = 34_000;

export interface CallSoakOptions {
  readonly calls: number;
  /** Calls in progress at once (default 2). */
  readonly concurrency?: number;
  /**
   * Our phones that answer, called in turn (default 8). A phone keeps every call, ended ones
   * included, for 64·T1 = 32 s to absorb retransmissions, and refuses calls (503) beyond 64 in its
   * table (user-agent.ts DEFAULT_MAX_CALLS): one callee could take at most 2 calls a second.
   */
  readonly callees?: number;
  /** How long each call stays up once both sides are active (default 50 ms). */
  readonly holdMs?: number;
  /** Stop (and fail) after this much real time. */
  readonly wallBudgetMs?: number;
  /** Wait before the before/after samples (default 34 s: the 32 s transaction and dialog linger, RFC 6026). */
  readonly settleMs?: number;
  /** A progress sample every this many calls (default calls / 20). */
  readonly sampleEvery?: number;
  readonly progress?: (line: Record<string, unknown>) => void;
  /** Bounds on growth from the sample after warm-up to the one after the last call. */
  readonly maxHandleGrowth?: number;
  readonly maxFdGrowth?: number;
  readonly maxTimerGrowth?: number;
  readonly maxSocketGrowth?: number;
  readonly maxHeapGrowthMB?: number;
  /** Failed calls allowed, as a fraction (default 0.002, at least 1 call). */
  readonly maxFailedFraction?: number;
}

export interface CallSoakResult {
  readonly soak: 'calls';
  readonly calls: number;
  readonly requested: number;
  readonly failed: number;
  readonly failures: readonly string[];
  readonly concurrency: number;
  readonly callees: number;
  readonly handlesBefore: number;
  readonly handlesAfter: number;
  readonly handlesMax: number;
  readonly handlesByTypeBefore: Readonly<Record<string, number>>;
  readonly handlesByTypeAfter: Readonly<Record<string, number>>;
  readonly fdsBefore: number;
  readonly fdsAfter: number;
  readonly timersBefore: number;
  readonly timersAfter: number;
  readonly socketsBefore: number;
  readonly socketsAfter: number;
  readonly heapBeforeMB: number;
  readonly heapAfterMB: number;
  readonly heapMaxMB: number;
  readonly rssBeforeMB: number;
  readonly rssAfterMB: number;
  readonly kamailioRssBeforeMB: number | null;
  readonly kamailioRssAfterMB: number | null;
  /** Wall time of a call (dial → both ended), first and last tenth of the run: a slowdown shows a quadratic cost. */
  readonly callMsFirstTenth: number;
  readonly callMsLastTenth: number;
  /** Warning and error log records of both phones. */
  readonly warnings: number;
  readonly callsPerSecond: number;
  readonly wallMs: number;
  readonly violations: readonly string[];
  readonly ok: boolean;
}

const CALLER = { user: 'alice', password: 'alice-Soak-4821' } as const;
const callee = (i: number): { user: string; password: string } => ({ user: `bob${i}`, password: `bob${i}-Soak-9034` });

interface Agent {
  readonly name: string;
  readonly headless: HeadlessPhone;
  /** Resolves with the first event matching `pred` from now on (bounded). */
  next(pred: (e: PhoneEvent) => boolean, timeoutMs: number, what: string): Promise<PhoneEvent>;
  readonly onEvent: (listener: (e: PhoneEvent) => void) => void;
  warnings: number;
}

/** Fails fast with the reason when a peer is missing (the CI test turns it into a failure, never a skip). */
export function callSoakPrerequisites(): readonly string[] {
  return checkPeers(['kamailio', 'openssl']).missing;
}

async function startAgent(name: string, kam: Kamailio, password: string, home: string): Promise<Agent> {
  let warnings = 0;
  const io: CliIo = {
    // Warnings and errors only (JSON lines): counted, not kept.
    stdout: { write: () => undefined },
    stderr: { write: () => void warnings++ },
    env: { SOFTPHONE_HOME: join(home, name) },
    cwd: process.cwd(),
  };
  const headless = await createHeadlessPhone({ io, logLevel: 'warn' });
  const listeners = new Set<(e: PhoneEvent) => void>();
  headless.engine.onEvent((e) => {
    for (const l of [...listeners]) l(e);
  });
  const config = v.parse(AccountConfigSchema, {
    uri: `sip:${name}@${kam.domain}`,
    password,
    outboundProxy: kam.proxyUri('tls'),
    registerExpires: 600,
    tls: { caFiles: [kam.caCertPath] },
    mwi: false,
  });
  const agent: Agent = {
    name,
    headless,
    get warnings() {
      return warnings;
    },
    set warnings(n: number) {
      warnings = n;
    },
    onEvent: (l) => void listeners.add(l),
    next(pred, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`${name}: no ${what} within ${timeoutMs} ms`));
        }, timeoutMs);
        const listener = (e: PhoneEvent): void => {
          if (!pred(e)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(e);
        };
        listeners.add(listener);
      });
    },
  };
  const registered = agent.next((e) => e.type === 'registration' && e.state.kind === 'registered', 20_000, 'registration');
  const added = await headless.phone.accounts.add({ id: name, config, enabled: true, makeDefault: true }, { ephemeral: true });
  if (!added.ok) throw new Error(`${name}: ${added.error.code}: ${added.error.message}`);
  await registered;
  return agent;
}

async function kamailioRssMB(kam: Kamailio): Promise<number | null> {
  // Kamailio forks workers into the creator's process group; the creator's children share its pid's group.
  try {
    const status = await readFile(`/proc/${kam.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 'NaN');
    return Number.isFinite(kb) ? Math.round(kb / 102.4) / 10 : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(() => resolve(), ms));

export async function runCallSoak(options: CallSoakOptions): Promise<CallSoakResult> {
  const started = Date.now();
  const missing = callSoakPrerequisites();
  if (missing.length > 0) throw new Error(`the call soak needs: ${missing.join('; ')}`);
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const calleeCount = Math.max(1, Math.floor(options.callees ?? 8));
  const holdMs = options.holdMs ?? 50;
  const wallBudgetMs = options.wallBudgetMs ?? 60 * 60_000;
  const settleMs = options.settleMs ?? 34_000;
  const sampleEvery = Math.max(1, options.sampleEvery ?? Math.ceil(options.calls / 20));
  const scope = HarnessScope.create('soak-calls');
  const home = await mkdtemp(join(tmpdir(), 'softphone-soak-home-'));
  let failedScope = false;
  const agents: Agent[] = [];
  try {
    const callees = Array.from({ length: calleeCount }, (_, i) => callee(i + 1));
    const kam = await startKamailio({ scope, users: [CALLER, ...callees], maxExpires: 600, defaultExpires: 600 });
    const alice = await startAgent(CALLER.user, kam, CALLER.password, home);
    agents.push(alice);
    for (const c of callees) {
      const bob = await startAgent(c.user, kam, c.password, home);
      agents.push(bob);
      // Each callee answers every call as soon as it rings.
      bob.onEvent((e) => {
        if (e.type === 'call' && e.state.kind === 'incoming' && e.call.direction === 'incoming') bob.headless.engine.answer(e.call.callId);
      });
    }
    let turn = 0;
    // Each callee keeps an ended call 32 s (RFC 6026 linger) and refuses calls (503) beyond 64
    // tracked ones (a cap of issue 15): the soak paces itself below that, so a failure it counts is
    // a real one and not the cap doing its job.
    const recent = callees.map((): number[] => []);
    const paceCallee = async (i: number): Promise<void> => {
      const window = recent[i]!;
      for (;;) {
        const now = Date.now();
        while (window.length > 0 && now - window[0]! > CALLEE_WINDOW_MS) window.shift();
        if (window.length < CALLEE_CALLS_PER_WINDOW) break;
        await sleep(CALLEE_WINDOW_MS - (now - window[0]!) + 5);
      }
      window.push(Date.now());
    };

    const durations: number[] = [];
    const failures: string[] = [];
    let failed = 0;
    const oneCall = async (): Promise<void> => {
      const index = turn++ % callees.length;
      await paceCallee(index);
      const t0 = Date.now();
      const target = callees[index]!.user;
      const placed = await alice.headless.engine.call(CALLER.user, target);
      if (!placed.ok) throw new Error(`call refused: ${placed.error.code}`);
      const id = placed.value.callId;
      const ended = alice.next((e) => e.type === 'call' && e.call.callId === id && e.state.kind === 'ended', 20_000, `end of call ${id}`);
      try {
        await alice.next((e) => e.type === 'call' && e.call.callId === id && (e.state.kind === 'active' || e.state.kind === 'ended'), 10_000, `answer of call ${id}`);
        if (holdMs > 0) await sleep(holdMs);
        alice.headless.engine.hangup(id);
        const e = await ended;
        if (e.type === 'call' && e.state.kind === 'ended' && e.state.reason.code !== 'hangup-local') throw new Error(`call ${id} ended with ${e.state.reason.code}`);
      } catch (error) {
        alice.headless.engine.hangup(id);
        await ended.catch(() => undefined);
        throw error;
      }
      durations.push(Date.now() - t0);
    };
    const runCalls = async (n: number, onDone?: (done: number) => void): Promise<boolean> => {
      let next = 0;
      let done = 0;
      let overBudget = false;
      const worker = async (): Promise<void> => {
        while (next < n && !overBudget) {
          next++;
          try {
            await oneCall();
          } catch (e) {
            failed++;
            if (failures.length < 20) failures.push((e as Error).message);
          }
          done++;
          onDone?.(done);
          if (Date.now() - started > wallBudgetMs) overBudget = true;
        }
      };
      await Promise.all(Array.from({ length: concurrency }, () => worker()));
      return !overBudget;
    };
    /**
     * Lets what outlives a call end: RFC 6026 Timer L/M (64×T1 = 32 s) keeps each INVITE
     * transaction, and the user agent keeps an ended dialog as long, to absorb retransmissions.
     */
    const settleThenSample = async (): Promise<ResourceSample> => {
      await sleep(settleMs);
      return sampleResources();
    };

    // Warm-up: the first calls create what every later call reuses (pools, JIT, TLS sessions).
    await runCalls(Math.min(10, options.calls));
    const warmFailed = failed;
    failed = 0;
    failures.length = 0;
    durations.length = 0;
    const before = await settleThenSample();
    const kamBefore = await kamailioRssMB(kam);
    let handlesMax = before.handles;
    let heapMax = before.heapMB;
    let sampling = false;
    const finished = await runCalls(options.calls, (done) => {
      if (done % sampleEvery !== 0 || sampling) return;
      sampling = true;
      const s = sampleResources();
      sampling = false;
      handlesMax = Math.max(handlesMax, s.handles);
      heapMax = Math.max(heapMax, s.heapMB);
      options.progress?.({ soak: 'calls', progress: true, calls: done, failed, handles: s.handles, fds: s.fds, timers: s.timers, sockets: s.sockets, heapMB: s.heapMB, rssMB: s.rssMB, wallMs: Date.now() - started });
    });
    const after = await settleThenSample();
    const kamAfter = await kamailioRssMB(kam);
    const calls = durations.length + failed;
    const tenth = Math.max(1, Math.floor(durations.length / 10));
    const mean = (xs: number[]): number => (xs.length === 0 ? 0 : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10);
    const violations: string[] = [];
    const bound = (what: string, b: number, a: number, max: number): void => {
      if (a - b > max) violations.push(`${what} grew from ${b} to ${a} over ${calls} calls (bound +${max})`);
    };
    if (!finished) violations.push(`stopped by the wall budget of ${wallBudgetMs} ms after ${calls} of ${options.calls} calls`);
    if (warmFailed > 0) violations.push(`${warmFailed} warm-up calls failed`);
    const allowedFailures = Math.max(1, Math.floor(calls * (options.maxFailedFraction ?? 0.002)));
    if (failed > allowedFailures) violations.push(`${failed} of ${calls} calls failed (bound ${allowedFailures})`);
    bound('active handles', before.handles, after.handles, options.maxHandleGrowth ?? 8);
    bound('open file descriptors', before.fds, after.fds, options.maxFdGrowth ?? 8);
    bound('timers', before.timers, after.timers, options.maxTimerGrowth ?? 6);
    bound('sockets', before.sockets, after.sockets, options.maxSocketGrowth ?? 4);
    bound('heap (MB)', before.heapMB, after.heapMB, options.maxHeapGrowthMB ?? 64);
    return {
      soak: 'calls',
      calls,
      requested: options.calls,
      failed,
      failures,
      concurrency,
      callees: calleeCount,
      handlesBefore: before.handles,
      handlesAfter: after.handles,
      handlesMax,
      handlesByTypeBefore: before.byType,
      handlesByTypeAfter: after.byType,
      fdsBefore: before.fds,
      fdsAfter: after.fds,
      timersBefore: before.timers,
      timersAfter: after.timers,
      socketsBefore: before.sockets,
      socketsAfter: after.sockets,
      heapBeforeMB: before.heapMB,
      heapAfterMB: after.heapMB,
      heapMaxMB: heapMax,
      rssBeforeMB: before.rssMB,
      rssAfterMB: after.rssMB,
      kamailioRssBeforeMB: kamBefore,
      kamailioRssAfterMB: kamAfter,
      callMsFirstTenth: mean(durations.slice(0, tenth)),
      callMsLastTenth: mean(durations.slice(-tenth)),
      warnings: agents.reduce((n, a) => n + a.warnings, 0),
      callsPerSecond: Math.round((durations.length / Math.max(1, Date.now() - started)) * 1000 * 10) / 10,
      wallMs: Date.now() - started,
      violations,
      ok: violations.length === 0,
    };
  } catch (e) {
    failedScope = true;
    throw e;
  } finally {
    for (const a of agents.reverse()) await a.headless.close().catch(() => undefined);
    await scope.dispose({ failed: failedScope }).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  }
}
