/**
 * `npm run bench -- call-setup [--rounds R] [--calls N] [--settle-ms MS] [--codec C] [--no-cold-reference] [--no-peer]`:
 * how long an answering phone takes from the INVITE to its 200 OK, for the first call after
 * registration (a freshly started process: cold) and the N-th (default 10th), through Kamailio
 * over TLS with SDES-SRTP, with baresip → baresip measured the same way in the same run
 * (DESIGN.md rule 14). R rounds (default 3), each starting every answering phone afresh; the
 * summary gives medians over the rounds (the machine is shared: one round can be unlucky).
 *
 * Measured at Kamailio, passively: its `sipdump` log stamps every message it receives and sends
 * (microseconds, after TLS decryption). Per call:
 *   inviteTo200Ms    Kamailio sends the INVITE to the answering phone → Kamailio receives its 200 OK
 *                    (the answering side alone: TLS, SIP, SDP, media set-up, the answer);
 *   callerInviteTo200Ms  Kamailio receives the caller's (authenticated) INVITE → sends the 200 OK
 *                    to the caller (adds Kamailio's own routing both ways).
 *
 * The caller is always baresip (alice), offering one codec (`--codec`, default opus; each call line
 * says which the answer chose) with `srtp-mand`. The answering side:
 *   ours                our headless phone (createHeadlessPhone, the CLI/app composition) in a
 *                       fresh Node process, registered, answering on `calls.changed` through
 *                       `calls.answer` (the call screen's path, minus the click), with the call
 *                       pre-warm (services/phone/call-prewarm.ts);
 *   ours-no-prewarm     the same with the pre-warm switched off (the cold path, for reference;
 *                       skip with `--no-cold-reference`);
 *   baresip             baresip 1.0 (carol) with `answermode=auto` (skip with `--no-peer`).
 * Each answering phone is started fresh, registers, waits `--settle-ms` (default 1000: a person's
 * first call does not arrive within a second of start-up), then takes N calls one after another
 * (each held 300 ms, then hung up by the caller).
 *
 * Output, one JSON line per call, our pre-warm's report per round, and one summary line:
 *   {"bench":"call-setup","peer":"ours","round":1,"call":1,"inviteTo200Ms":4.2,"callerInviteTo200Ms":5.0}
 *   {"bench":"call-setup","peer":"ours","round":1,"ready":{"registeredMs":…,"prewarm":{"codecs":[…],"stepMs":{…},…}}}
 *   {"bench":"call-setup","summary":true,"ours":{"firstMs":…,"nthMs":…,"firstByRound":[…],…},"baresip":{…},"target":{"firstMs":10},"meetsTarget":true}
 * BENCH_CHILD_NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=DIR`) is passed to our phone's process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HarnessScope } from '../test/interop/harness/harness-scope.js';
import { checkPeers } from '../test/interop/harness/peers.js';
import { startKamailio, type Kamailio } from '../test/interop/harness/kamailio/kamailio.js';
import { startBaresip, type Baresip } from '../test/interop/harness/baresip/baresip.js';
import type { BaresipCodec } from '../test/interop/harness/baresip/baresip-config.js';
import type { SipLogEntry } from '../test/interop/harness/sip-log.js';
import type { AccountConfigInput } from '../src-shared/model/account.js';

const here = dirname(fileURLToPath(import.meta.url));
const TARGET_FIRST_MS = 10;
const HOLD_MS = 300;
const GAP_MS = 200;
/** Registration and the pre-warm (seconds of CPU on a loaded 2-core machine). */
const READY_TIMEOUT_MS = 120_000;

interface Args {
  rounds: number;
  calls: number;
  settleMs: number;
  codec: BaresipCodec;
  coldReference: boolean;
  peer: boolean;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { rounds: 3, calls: 10, settleMs: 1000, codec: 'opus', coldReference: true, peer: true };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--rounds') a.rounds = Math.max(1, Number(argv[++i]));
    else if (k === '--calls') a.calls = Math.max(1, Number(argv[++i]));
    else if (k === '--settle-ms') a.settleMs = Math.max(0, Number(argv[++i]));
    else if (k === '--codec') a.codec = argv[++i] as BaresipCodec;
    else if (k === '--no-cold-reference') a.coldReference = false;
    else if (k === '--no-peer') a.peer = false;
    else throw new Error(`unknown option ${k}`);
  }
  return a;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(() => r(), ms));
const round2 = (x: number): number => Math.round(x * 100) / 100;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface CallFigure {
  readonly callId: string;
  readonly at: number;
  readonly inviteTo200Ms: number;
  readonly callerInviteTo200Ms: number;
  /** The codec the answer chose (first payload type of its audio m-line). */
  readonly codec: string;
}

function answeredCodec(sdp: string): string {
  const pt = /^m=audio \d+ \S+ (\d+)/m.exec(sdp)?.[1];
  if (pt === undefined) return '?';
  return new RegExp(`^a=rtpmap:${pt} ([^/\\s]+)`, 'm').exec(sdp)?.[1] ?? (pt === '0' ? 'PCMU' : pt === '8' ? 'PCMA' : pt === '9' ? 'G722' : `pt ${pt}`);
}

/** Per Call-ID, from Kamailio's message log: the INVITE → 200 OK intervals of the calls to `user`. */
function figuresFromLog(log: readonly SipLogEntry[], user: string, exclude: ReadonlySet<string>): CallFigure[] {
  const byCall = new Map<string, SipLogEntry[]>();
  for (const e of log) {
    const id = e.message.header('call-id');
    if (id === undefined || exclude.has(id)) continue;
    const list = byCall.get(id) ?? [];
    list.push(e);
    byCall.set(id, list);
  }
  const out: CallFigure[] = [];
  for (const [callId, entries] of byCall) {
    const forwarded = entries.find((e) => e.direction === 'out' && e.message.method === 'INVITE' && (e.message.header('to') ?? '').includes(`sip:${user}@`));
    const answered = entries.find((e) => e.direction === 'in' && e.message.status === 200 && e.message.cseqMethod === 'INVITE');
    const relayed = entries.find((e) => e.direction === 'out' && e.message.status === 200 && e.message.cseqMethod === 'INVITE');
    if (forwarded === undefined || answered === undefined || relayed === undefined) continue;
    const cseq = answered.message.header('cseq');
    const callerInvite = entries.find((e) => e.direction === 'in' && e.message.method === 'INVITE' && e.message.header('cseq') === cseq);
    out.push({
      callId,
      at: forwarded.time,
      inviteTo200Ms: (answered.time - forwarded.time) * 1000,
      callerInviteTo200Ms: callerInvite === undefined ? Number.NaN : (relayed.time - callerInvite.time) * 1000,
      codec: answeredCodec(answered.message.body),
    });
  }
  return out.sort((x, y) => x.at - y.at);
}

function callIdsIn(log: readonly SipLogEntry[]): Set<string> {
  return new Set(log.map((e) => e.message.header('call-id')).filter((x): x is string => x !== undefined));
}

/** `calls` calls from the caller to `target`, one after another. */
async function placeCalls(caller: Baresip, target: string, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) {
    const from = caller.events.length;
    await caller.dial(target);
    await caller.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 10_000, fromIndex: from });
    await sleep(HOLD_MS);
    await caller.hangup();
    await caller.waitForEvent('CALL_CLOSED', { timeoutMs: 10_000, fromIndex: from });
    await sleep(GAP_MS);
  }
}

/** Our phone in a fresh process: resolves once it is registered, settled and (when on) pre-warmed. */
interface InProcess {
  readonly n: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

async function startOurs(kam: Kamailio, scope: HarnessScope, prewarm: boolean): Promise<{ child: ChildProcess; ready: Record<string, unknown>; errors: string[]; timings: InProcess[]; stop(): Promise<void> }> {
  const account: AccountConfigInput = { uri: `sip:bob@${kam.domain}`, password: 'b', outboundProxy: kam.proxyUri('tls'), registerExpires: 600, tls: { caFiles: [kam.caCertPath] } };
  const child = fork(join(here, 'call-setup-child.ts'), [JSON.stringify({ account, home: scope.subdir('ours'), prewarm })], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_CHILD_NODE_OPTIONS ?? '').split(' ').filter(Boolean)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const errors: string[] = [];
  const timings: InProcess[] = [];
  child.on('message', (m: { type: string } & Partial<InProcess>) => {
    if (m.type === 'timing') timings.push({ n: m.n ?? 0, wallMs: m.wallMs ?? Number.NaN, cpuMs: m.cpuMs ?? Number.NaN });
  });
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`our phone was not registered and pre-warmed within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
    child.on('message', (m: { type: string; message?: string }) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        resolve(m);
      } else if (m.type === 'error') {
        errors.push(m.message ?? '');
        clearTimeout(timer);
        reject(new Error(`our phone: ${m.message}`));
      }
    });
    child.on('exit', (code) => reject(new Error(`our phone exited (${code}) before it was ready`)));
  });
  return {
    child,
    ready,
    errors,
    timings,
    stop: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.send({ type: 'stop' });
      }),
  };
}

export default async function main(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const emit = (o: object): void => void process.stdout.write(`${JSON.stringify({ bench: 'call-setup', ...o })}\n`);
  const check = checkPeers(['kamailio', 'baresip']);
  if (!check.available) {
    emit({ skipped: `peers not installed: ${check.missing.join('; ')}` });
    return;
  }
  const scope = HarnessScope.create('bench-call-setup');
  let failed = false;
  /** Per peer, per round: the first and the N-th call's figures. */
  const results = new Map<string, { first: number; nth: number; callerFirst: number; callerNth: number; cpuFirst?: number; cpuNth?: number; ready?: Record<string, unknown> }[]>();
  try {
    const kam = await startKamailio({ scope, users: [{ user: 'alice', password: 'a' }, { user: 'bob', password: 'b' }, { user: 'carol', password: 'c' }] });
    const codecs: BaresipCodec[] = [args.codec];
    const alice = await startBaresip({ scope, kamailio: kam, user: 'alice', password: 'a', codecs, answerMode: 'manual' });
    await alice.waitForRegistration();

    const measure = async (peer: string, round: number, user: string, ready: Record<string, unknown> | undefined, timings?: readonly InProcess[]): Promise<void> => {
      const before = callIdsIn(kam.readSipLog());
      await placeCalls(alice, `sip:${user}@${kam.domain}`, args.calls);
      await sleep(100);
      const figures = figuresFromLog(kam.readSipLog(), user, before);
      if (figures.length !== args.calls) throw new Error(`${peer}: ${figures.length} of ${args.calls} calls found in Kamailio's log`);
      const inside = (i: number): object => {
        const t = timings?.find((x) => x.n === i + 1);
        return t === undefined ? {} : { inProcessWallMs: t.wallMs, inProcessCpuMs: t.cpuMs };
      };
      figures.forEach((f, i) => emit({ peer, round, call: i + 1, inviteTo200Ms: round2(f.inviteTo200Ms), callerInviteTo200Ms: round2(f.callerInviteTo200Ms), codec: f.codec, ...inside(i) }));
      const last = figures[figures.length - 1]!;
      const list = results.get(peer) ?? [];
      const cpu = (n: number): object => {
        const t = timings?.find((x) => x.n === n);
        return t === undefined ? {} : { [n === 1 ? 'cpuFirst' : 'cpuNth']: t.cpuMs };
      };
      list.push({ first: figures[0]!.inviteTo200Ms, nth: last.inviteTo200Ms, callerFirst: figures[0]!.callerInviteTo200Ms, callerNth: last.callerInviteTo200Ms, ...cpu(1), ...cpu(figures.length), ...(ready === undefined ? {} : { ready }) });
      results.set(peer, list);
      if (ready !== undefined) emit({ peer, round, ready });
    };

    const runOurs = async (peer: string, round: number, prewarm: boolean): Promise<void> => {
      const ours = await startOurs(kam, scope, prewarm);
      try {
        await sleep(args.settleMs);
        await measure(peer, round, 'bob', ours.ready, ours.timings);
        if (ours.errors.length > 0) throw new Error(`${peer}: ${ours.errors.join('; ')}`);
      } finally {
        await ours.stop();
      }
    };
    // Rounds interleave the peers, so that load from other processes hits them alike.
    for (let round = 1; round <= args.rounds; round++) {
      await runOurs('ours', round, true);
      if (args.coldReference) await runOurs('ours-no-prewarm', round, false);
      if (args.peer) {
        const carol = await startBaresip({ scope, kamailio: kam, user: 'carol', password: 'c', codecs, answerMode: 'auto' });
        await carol.waitForRegistration();
        await sleep(args.settleMs);
        await measure('baresip', round, 'carol', undefined);
        await carol.stop();
      }
    }
    const per = (list: { first: number; nth: number; callerFirst: number; callerNth: number; cpuFirst?: number; cpuNth?: number }[]): object => ({
      firstMs: round2(median(list.map((x) => x.first))),
      nthMs: round2(median(list.map((x) => x.nth))),
      callerFirstMs: round2(median(list.map((x) => x.callerFirst))),
      callerNthMs: round2(median(list.map((x) => x.callerNth))),
      firstByRound: list.map((x) => round2(x.first)),
      nthByRound: list.map((x) => round2(x.nth)),
      ...(list.some((x) => x.cpuFirst !== undefined) ? { cpuFirstMs: round2(median(list.map((x) => x.cpuFirst ?? Number.NaN))), cpuNthMs: round2(median(list.map((x) => x.cpuNth ?? Number.NaN))) } : {}),
    });
    const ours = results.get('ours');
    const oursFirst = ours === undefined ? Number.NaN : median(ours.map((x) => x.first));
    emit({
      summary: true,
      rounds: args.rounds,
      nth: args.calls,
      codec: args.codec,
      note: 'medians over rounds; each round starts every answering phone afresh',
      ...Object.fromEntries([...results].map(([k, list]) => [k, per(list)])),
      target: { firstMs: TARGET_FIRST_MS },
      meetsTarget: oursFirst <= TARGET_FIRST_MS,
    });
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    await scope.dispose({ failed });
  }
}
