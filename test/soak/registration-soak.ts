/**
 * Registration soak (issue 15 "Soak and recovery"): the whole phone, built by createPhone, with
 * its real account connection (AccountConnectionFactory → AccountFlow → SipStreamFlow with
 * keep-alive and framing), transaction layer and RegistrationClient, and the real NetworkMonitor,
 * all on a FakeClock (test/fakes/fake-clock.ts, stepped one timer at a time), against the
 * scripted registrar of simulated-pbx.ts. Every few simulated hours something goes wrong: the
 * PBX restarts (drops flows, forgets bindings and nonces, refuses, answers 503, comes back), the
 * flow dies silently, the server resets it, the network changes (address gone, maybe offline a
 * while, new address), or the laptop sleeps for hours.
 *
 * The judge is the registrar: "registered" means it holds an unexpired binding on a flow that
 * still reaches the phone. A gap is counted from the moment recovery was possible:
 *   restart            the server serves again (the end of its 503 phase)
 *   silent flow death  the keep-alive detection bound (ping interval 30 s + pong timeout 10 s)
 *   server reset       at once (the FIN reaches the phone)
 *   network change     the new address is up + the NetworkMonitor's poll interval (3 s)
 *   sleep              resume + the NetworkMonitor's poll interval (3 s)
 * and must end within `maxGapMs` (5 s). Also measured: REGISTERs (total, per simulated day, the
 * most in one minute: no storm), the phone's timers (pending on the clock, without packets in
 * flight) after the first registration and at the end, heap after a forced GC.
 */
import * as v from 'valibot';
import { Emitter } from '../../src-main/base/event.js';
import { createLogger, type LogRecord } from '../../src-main/base/logger.js';
import { err } from '../../src-main/base/result.js';
import { AccountConnectionFactory } from '../../src-main/platform/net/account-connection.js';
import type { DnsPort } from '../../src-main/platform/net/dns-port.js';
import { NetworkMonitor } from '../../src-main/platform/net/network-monitor.js';
import { Rfc3263Resolver } from '../../src-main/platform/net/rfc3263-resolver.js';
import { NodeRtpSocketFactory } from '../../src-main/platform/net/rtp-socket.js';
import { NodeTlsConnector } from '../../src-main/platform/tls/tls-connector.js';
import { TrustStore } from '../../src-main/platform/tls/trust-store.js';
import { NullAudioPort } from '../../src-main/platform/audio/null-audio-port.js';
import { MemoryStore } from '../../src-main/platform/storage/json-file-store.js';
import { MemorySecretStore } from '../../src-main/platform/storage/secret-store.js';
import type { CertificateInspector } from '../../src-main/services/certificates/ports.js';
import { createPhone } from '../../src-main/services/phone/create-phone.js';
import type { HistoryStore } from '../../src-main/services/phone/ports.js';
import { AccountConfigSchema } from '../../src-shared/model/account.js';
import { FakeRng } from '../fakes/fake-rng.js';
import { SimNetwork, SimPbx, PBX_ADDRESS } from './simulated-pbx.js';
import { FakeClock } from '../fakes/fake-clock.js';
import { forceGc, heapMB } from './resources.js';

export type IncidentKind = 'restart' | 'silent-flow-death' | 'server-reset' | 'network-change' | 'sleep';
export const INCIDENT_KINDS: readonly IncidentKind[] = ['restart', 'silent-flow-death', 'server-reset', 'network-change', 'sleep'];

export interface RegistrationSoakOptions {
  readonly days: number;
  readonly seed?: number;
  /** Incidents come every `minGapH`..`maxGapH` simulated hours (default 1..5). */
  readonly minIncidentGapH?: number;
  readonly maxIncidentGapH?: number;
  /** Only these kinds of incident (default all). */
  readonly incidents?: readonly IncidentKind[];
  /** The account's requested expiry (default 600 s, the schema's default). */
  readonly registerExpires?: number;
  /** Bounds. */
  readonly maxGapMs?: number;
  readonly maxRegistersPerMinute?: number;
  readonly maxTimerGrowth?: number;
  readonly maxHeapGrowthMB?: number;
  /** Give up (and fail) after this much real time. */
  readonly wallBudgetMs?: number;
  /** Progress lines (JSON) to this function. */
  readonly progress?: (line: Record<string, unknown>) => void;
}

export interface GapRecord {
  readonly incident: IncidentKind | 'none';
  readonly day: number;
  /** Unbound for this long in all. */
  readonly unboundMs: number;
  /** Of which after recovery was possible (the figure the bound is about). */
  readonly afterRecoverableMs: number;
}

export interface RegistrationSoakResult {
  readonly soak: 'registration';
  readonly days: number;
  readonly simulatedDays: number;
  readonly seed: number;
  readonly incidents: Readonly<Record<IncidentKind, number>>;
  readonly registers: number;
  readonly registersPerDay: number;
  readonly registerStatuses: Readonly<Record<string, number>>;
  readonly maxRegistersPerMinute: number;
  readonly gaps: number;
  readonly worstGapMs: number;
  readonly worstGap: GapRecord | null;
  readonly worstGapByIncident: Readonly<Record<string, number>>;
  readonly gapsOverBound: number;
  /** Gaps of more than 1 s after recovery was possible, and any not caused by an incident (the first 40). */
  readonly notableGaps: readonly (GapRecord & { readonly phase: string })[];
  readonly unboundTotalS: number;
  readonly connects: number;
  readonly keepAlivePings: number;
  readonly timersStart: number;
  readonly timersEnd: number;
  readonly timersMax: number;
  readonly timersAfterDispose: number;
  readonly heapStartMB: number;
  readonly heapEndMB: number;
  readonly warnings: number;
  readonly timerFires: number;
  readonly wallMs: number;
  readonly finalState: string;
  readonly violations: readonly string[];
  readonly ok: boolean;
}

const HOUR = 3_600_000;
const MONITOR_INTERVAL_MS = 3000;
/** The keep-alive's worst case to notice a dead flow: a ping at most 30 s after the last, 10 s for the pong. */
const KEEPALIVE_DETECTION_MS = 30_000 + 10_000;
const AOR = `sip:alice@${PBX_ADDRESS}`;

const noDns: DnsPort = {
  resolveNaptr: () => Promise.reject(new Error('no DNS in the soak')),
  resolveSrv: () => Promise.reject(new Error('no DNS in the soak')),
  resolve4: () => Promise.reject(new Error('no DNS in the soak')),
  resolve6: () => Promise.reject(new Error('no DNS in the soak')),
};

const noCertificates: CertificateInspector = {
  inspect: () => Promise.resolve(err({ code: 'invalid-account' })),
  inspectAccount: () => Promise.resolve(err({ code: 'invalid-account' })),
};

class MemoryHistory implements HistoryStore {
  private entries: unknown;
  load(): Promise<unknown> {
    return Promise.resolve(this.entries);
  }
  save(entries: unknown): Promise<void> {
    this.entries = entries;
    return Promise.resolve();
  }
}

/** Lets every promise continuation started by the last timer run (nothing here waits on real I/O). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(() => resolve()));

export async function runRegistrationSoak(options: RegistrationSoakOptions): Promise<RegistrationSoakResult> {
  const started = Date.now();
  const seed = options.seed ?? 15;
  const maxGapMs = options.maxGapMs ?? 5000;
  const wallBudgetMs = options.wallBudgetMs ?? 30 * 60_000;
  const kinds = options.incidents ?? INCIDENT_KINDS;
  const minGap = (options.minIncidentGapH ?? 1) * HOUR;
  const maxGap = (options.maxIncidentGapH ?? 5) * HOUR;
  const clock = new FakeClock();
  const rng = new FakeRng(seed);
  const script = new FakeRng(seed * 7919 + 1);
  const uniform = (lo: number, hi: number): number => lo + (script.uint32() / 0x1_0000_0000) * (hi - lo);

  let warnings = 0;
  const logger = createLogger({
    sinks: [{ write: (r: LogRecord) => void (r.level === 'warn' || r.level === 'error' ? warnings++ : 0) }],
    level: 'warn',
    now: () => clock.now(),
  });
  const net = new SimNetwork(clock);
  const pbx = new SimPbx(net, clock);
  const connections = new AccountConnectionFactory({
    clock,
    rng,
    logger,
    locator: new Rfc3263Resolver(noDns, rng),
    tls: new NodeTlsConnector({ clock }),
    tcp: net,
    trustStore: new TrustStore(),
    // The simulated machine's addresses (not this machine's): a flow whose address is still there
    // after a change is pinged, one whose address went is replaced.
    localAddresses: () => new Set(net.localAddress === undefined ? [] : [net.localAddress]),
  });
  const monitor = new NetworkMonitor(clock, MONITOR_INTERVAL_MS, () => ({
    eth0: net.localAddress === undefined ? [] : [{ address: net.localAddress, netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: `${net.localAddress}/24` }],
  }));
  const changes = new Emitter<void>();
  monitor.onChange(() => changes.fire());

  const phone = await createPhone({
    identity: { name: 'Soak', version: '0.0.0', platform: 'linux', carrier: 'electron', runtime: { node: process.versions.node, electron: null, chrome: null } },
    clock,
    rng,
    logger,
    connections,
    rtpSockets: new NodeRtpSocketFactory(),
    certificates: noCertificates,
    audio: { port: new NullAudioPort(clock), calls: 'devices', alerts: false },
    store: new MemoryStore(),
    secrets: new MemorySecretStore(),
    history: new MemoryHistory(),
    instanceId: 'urn:uuid:00000000-0000-4000-8000-00000000500a',
    userAgent: 'soak',
    networkChanges: changes.event,
  });
  let registrationState = 'unregistered';
  phone.engine.onEvent((e) => {
    if (e.type === 'registration') registrationState = e.state.kind;
  });
  const config = v.parse(AccountConfigSchema, { uri: AOR, transport: 'tcp', password: 'soak-Secret-1', mwi: false, registerExpires: options.registerExpires ?? 600 });
  const added = await phone.accounts.add({ id: 'soak', config, enabled: true, makeDefault: true }, { ephemeral: true });
  if (!added.ok) throw new Error(`registration soak: the account was refused: ${added.error.code}`);

  // --- the judge -------------------------------------------------------------------------------
  let unboundSince: number | undefined;
  let recoverableAt = 0;
  let lastIncident: IncidentKind | 'none' = 'none';
  let gaps = 0;
  let gapsOverBound = 0;
  let worst: GapRecord | null = null;
  let unboundTotal = 0;
  const worstByIncident: Record<string, number> = {};
  const notable: (GapRecord & { phase: string })[] = [];
  let incidentDetail = '';
  const startWall = clock.now();
  const day = (): number => Math.floor((clock.now() - startWall) / (24 * HOUR));
  const closeGap = (now: number): void => {
    if (unboundSince === undefined) return;
    const unboundMs = now - unboundSince;
    const after = Math.max(0, now - Math.max(unboundSince, recoverableAt));
    gaps++;
    unboundTotal += unboundMs;
    if (after > maxGapMs) gapsOverBound++;
    worstByIncident[lastIncident] = Math.max(worstByIncident[lastIncident] ?? 0, after);
    const record: GapRecord = { incident: lastIncident, day: day(), unboundMs: Math.round(unboundMs), afterRecoverableMs: Math.round(after) };
    if (worst === null || after > worst.afterRecoverableMs) worst = record;
    if ((after > 1000 || lastIncident === 'none') && notable.length < 40) notable.push({ ...record, phase: incidentDetail });
    unboundSince = undefined;
  };
  let judging = true;
  const observe = (): void => {
    if (!judging) return;
    const s = pbx.boundState(AOR);
    if (!s.bound) unboundSince ??= s.since ?? clock.now();
    else closeGap(clock.now());
  };
  let timersMax = 0;
  const phoneTimers = (): number => clock.pendingTimers - net.packetsInFlight;
  let overBudget = false;

  /** Runs the world until monotonic time `t`, one timer at a time. */
  const runUntil = async (t: number): Promise<void> => {
    let n = 0;
    while (clock.fireNext(t)) {
      await settle();
      observe();
      const p = phoneTimers();
      if (p > timersMax) timersMax = p;
      if (++n % 4096 === 0 && Date.now() - started > wallBudgetMs) {
        overBudget = true;
        return;
      }
    }
    clock.moveTo(t);
    await settle();
    observe();
  };

  // First registration, then the baseline.
  await runUntil(30_000);
  unboundSince = undefined; // the first registration is not a gap
  if (!pbx.boundState(AOR).bound) throw new Error(`registration soak: the phone did not register at the start (state ${registrationState})`);
  forceGc();
  const heapStart = heapMB();
  const timersStart = phoneTimers();
  timersMax = timersStart;

  const counts: Record<IncidentKind, number> = { restart: 0, 'silent-flow-death': 0, 'server-reset': 0, 'network-change': 0, sleep: 0 };
  const endWall = startWall + options.days * 24 * HOUR;
  /** Monotonic time at which the wall clock reaches the end (sleeps move the wall clock only). */
  const end = (): number => clock.monotonic() + (endWall - clock.now());
  let addressIndex = 6;
  let lastProgressDay = -1;
  while (!overBudget) {
    const at = clock.monotonic() + uniform(minGap, maxGap);
    if (at >= end()) break;
    await runUntil(at);
    if (overBudget) break;
    const kind = kinds[Math.floor(uniform(0, kinds.length))]!;
    counts[kind]++;
    // The previous gap (if any) belongs to the previous incident.
    observe();
    if (unboundSince !== undefined) closeGap(clock.now());
    lastIncident = kind;
    switch (kind) {
      case 'restart': {
        const down = uniform(2_000, 120_000);
        const starting = uniform(0, 1) < 0.5 ? 0 : uniform(1_000, 30_000);
        pbx.restart(down, starting);
        incidentDetail = `down ${Math.round(down / 1000)} s, then 503 for ${Math.round(starting / 1000)} s`;
        recoverableAt = pbx.backAt;
        break;
      }
      case 'silent-flow-death':
        net.blackholeAll();
        incidentDetail = 'flow black-holed';
        recoverableAt = clock.now() + KEEPALIVE_DETECTION_MS;
        break;
      case 'server-reset':
        for (const c of [...net.connections]) net.serverClose(c);
        incidentDetail = 'server closed the flow';
        recoverableAt = clock.now();
        break;
      case 'network-change': {
        const offline = uniform(0, 1) < 0.5 ? 0 : uniform(1_000, 60_000);
        const next = `10.0.${Math.floor(addressIndex / 200)}.${(addressIndex % 200) + 2}`;
        addressIndex++;
        incidentDetail = offline === 0 ? `address changed to ${next}` : `offline ${Math.round(offline / 1000)} s, then ${next}`;
        if (offline === 0) {
          net.changeAddress(next);
          recoverableAt = clock.now() + MONITOR_INTERVAL_MS;
        } else {
          net.blackholeAll();
          net.localAddress = undefined;
          observe();
          await runUntil(clock.monotonic() + offline);
          net.localAddress = next;
          recoverableAt = clock.now() + MONITOR_INTERVAL_MS;
        }
        break;
      }
      case 'sleep': {
        const ms = uniform(10 * 60_000, 10 * HOUR);
        observe();
        clock.sleep(ms);
        incidentDetail = `slept ${Math.round(ms / 60_000)} min`;
        // A server that heard nothing for minutes drops the connection; the phone learns it by a reset.
        if (ms > 2 * 60_000) pbx.forgetConnections();
        recoverableAt = clock.now() + MONITOR_INTERVAL_MS;
        break;
      }
    }
    observe();
    if (options.progress !== undefined && day() !== lastProgressDay) {
      lastProgressDay = day();
      options.progress({ soak: 'registration', progress: true, day: lastProgressDay, registers: pbx.registers.length, worstGapMs: worst === null ? 0 : Math.round((worst as GapRecord).afterRecoverableMs), timers: phoneTimers(), wallMs: Date.now() - started });
    }
  }
  // Let the last incident recover, then measure.
  if (!overBudget) await runUntil(Math.max(end(), clock.monotonic() + 10 * 60_000));
  if (unboundSince !== undefined) closeGap(clock.now());
  judging = false;
  const boundAtEnd = pbx.boundState(AOR).bound;
  const simulatedDays = (clock.now() - startWall) / (24 * HOUR);
  forceGc();
  const heapEnd = heapMB();
  const timersEnd = phoneTimers();
  const finalState = registrationState;

  // Shut down (bounded unregister) with the world still running, then nothing may be left armed.
  let shut = false;
  void phone.shutdown().then(() => (shut = true));
  for (let i = 0; i < 100 && !shut; i++) await runUntil(clock.monotonic() + 100);
  phone.dispose();
  monitor.dispose();
  changes.dispose();
  await runUntil(clock.monotonic() + 1000);
  const timersAfterDispose = phoneTimers();

  const statuses: Record<string, number> = {};
  for (const r of pbx.registers) statuses[String(r.status)] = (statuses[String(r.status)] ?? 0) + 1;
  const worstGapMs = worst === null ? 0 : Math.round((worst as GapRecord).afterRecoverableMs);
  const violations: string[] = [];
  const maxPerMinute = options.maxRegistersPerMinute ?? 20;
  const maxTimerGrowth = options.maxTimerGrowth ?? 3;
  const maxHeapGrowth = options.maxHeapGrowthMB ?? 24;
  if (overBudget) violations.push(`did not finish within the wall budget of ${wallBudgetMs} ms (simulated ${simulatedDays.toFixed(2)} of ${options.days} days)`);
  if (worstGapMs > maxGapMs) violations.push(`unregistered for ${worstGapMs} ms after recovery was possible (bound ${maxGapMs} ms; ${gapsOverBound} gaps over it; worst after a ${(worst as GapRecord | null)?.incident ?? '?'})`);
  if (pbx.maxPerMinute > maxPerMinute) violations.push(`REGISTER storm: ${pbx.maxPerMinute} REGISTERs in one minute (bound ${maxPerMinute})`);
  if (timersEnd > timersStart + maxTimerGrowth) violations.push(`pending timers grew from ${timersStart} to ${timersEnd} (bound +${maxTimerGrowth})`);
  if (timersAfterDispose !== 0) violations.push(`${timersAfterDispose} timers still armed after the phone was disposed`);
  if (heapEnd - heapStart > maxHeapGrowth) violations.push(`heap grew from ${heapStart} MB to ${heapEnd} MB (bound +${maxHeapGrowth} MB)`);
  if (!boundAtEnd) violations.push(`not registered at the end (phone state ${finalState})`);
  if (finalState !== 'registered') violations.push(`the phone's registration state at the end was ${finalState}`);
  return {
    soak: 'registration',
    days: options.days,
    simulatedDays: Math.round(simulatedDays * 100) / 100,
    seed,
    incidents: counts,
    registers: pbx.registers.length,
    registersPerDay: Math.round(pbx.registers.length / Math.max(simulatedDays, 1e-9)),
    registerStatuses: statuses,
    maxRegistersPerMinute: pbx.maxPerMinute,
    gaps,
    worstGapMs,
    worstGap: worst,
    worstGapByIncident: Object.fromEntries(Object.entries(worstByIncident).map(([k, x]) => [k, Math.round(x)])),
    gapsOverBound,
    notableGaps: notable,
    unboundTotalS: Math.round(unboundTotal / 1000),
    connects: net.connectAttempts,
    keepAlivePings: pbx.pings,
    timersStart,
    timersEnd,
    timersMax,
    timersAfterDispose,
    heapStartMB: heapStart,
    heapEndMB: heapEnd,
    warnings,
    timerFires: clock.fired,
    wallMs: Date.now() - started,
    finalState,
    violations,
    ok: violations.length === 0,
  };
}
