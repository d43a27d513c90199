/**
 * sipp (Debian `sip-tester`, built without TLS) behind stunnel4, so its scenarios still cross
 * real TLS:
 *
 *   UAC:  sipp -t t1 ──TCP──▶ stunnel (client, verifies the target) ──TLS──▶ target (Kamailio, our UA)
 *   UAS:  TLS client ──TLS──▶ stunnel (server, harness certificate) ──TCP──▶ sipp -t t1
 *
 * Scenarios live in ./scenarios/ (uac-register, uac-call, uas-call, uas-busy; see each file's
 * header for its keys) or pass a path. sipp's message trace (`-trace_msg`) and error trace are
 * written next to its log.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessScope } from '../harness-scope.js';
import { createInteropPki, type InteropPki, type ServerCertificateKind } from '../interop-pki.js';
import { withLoopbackBinds } from '../loopback-bind-shim.js';
import { describeExit, ManagedProcess, type ExitInfo } from '../managed-process.js';
import { allocatePort, waitForTcpPort } from '../ports.js';
import { startStunnel, type Stunnel } from './stunnel.js';

export const SCENARIO_DIR = join(import.meta.dirname, '..', 'scenarios');
export type ShippedScenario = 'uac-register' | 'uac-call' | 'uas-call' | 'uas-busy';

interface CommonOptions {
  readonly scope: HarnessScope;
  /** A shipped scenario name or a path to an XML scenario. */
  readonly scenario: ShippedScenario | string;
  /** `-key name value` pairs (scenario keywords like [domain]). */
  readonly keys?: Readonly<Record<string, string>>;
  /** Number of calls before sipp exits (`-m`); default 1. */
  readonly calls?: number;
  /** Global timeout in seconds (`-timeout`, failing when reached); default 30. */
  readonly timeoutSeconds?: number;
  /** `-d`: the duration of `<pause/>` in ms; default 1000. */
  readonly pauseMs?: number;
  readonly extraArgs?: readonly string[];
}

export interface SippUacOptions extends CommonOptions {
  readonly role: 'uac';
  /** The TLS peer sipp talks to through stunnel (on 127.0.0.1). */
  readonly target: {
    readonly port: number;
    /** CA file that stunnel verifies the target's chain against. */
    readonly caFile: string;
    /** Name checked in the target's certificate (and sent as SNI); default: not checked. */
    readonly verifyHost?: string;
  };
  /** `-s`: the request-URI user ([service]). */
  readonly service?: string;
  /** `-au`/`-ap`: credentials for [authentication]. */
  readonly authUser?: string;
  readonly authPassword?: string;
}

export interface SippUasOptions extends CommonOptions {
  readonly role: 'uas';
  /** PKI for stunnel's server certificate; default a fresh harness PKI (domain `pbx.test`). */
  readonly pki?: InteropPki;
  /** Which certificate stunnel presents; default `good`. */
  readonly certificate?: ServerCertificateKind;
}

export type SippOptions = SippUacOptions | SippUasOptions;

export interface SippBehindStunnel {
  readonly role: 'uac' | 'uas';
  readonly sipp: { readonly pid: number; readonly port: number; readonly logPath: string };
  readonly stunnel: Stunnel;
  /** UAS: the TLS port clients connect to (stunnel's accept port). UAC: stunnel's plain TCP port. */
  readonly port: number;
  /** UAS: the PKI whose CA verifies stunnel's certificate. */
  readonly pki?: InteropPki;
  readonly caCertPath?: string;
  readonly caCertPem?: string;
  /** sipp's SIP message trace (every message sent and received). */
  readonly messageLogPath: string;
  /** Unexpected messages and errors, per sipp. */
  readonly errorLogPath: string;
  /** Resolves when sipp exits: `ok` when its exit code is 0 (all calls succeeded). */
  waitForExit(timeoutMs?: number): Promise<{ ok: boolean; exit: ExitInfo; summary: string }>;
  output(): string;
  stop(): Promise<void>;
}

function scenarioPath(scenario: string): string {
  const shipped = join(SCENARIO_DIR, `${scenario}.xml`);
  if (existsSync(shipped)) return shipped;
  if (existsSync(scenario)) return scenario;
  throw new Error(`no sipp scenario '${scenario}' (neither ${shipped} nor a file)`);
}

export async function startSippBehindStunnel(options: SippOptions): Promise<SippBehindStunnel> {
  const scenario = scenarioPath(options.scenario);
  const dir = options.scope.subdir(`sipp-${options.role}`);
  const logPath = join(dir, 'sipp.log');
  const messageLogPath = join(dir, 'messages.log');
  const errorLogPath = join(dir, 'errors.log');
  const sippPort = await allocatePort({ protocols: ['tcp', 'udp'] });
  // sipp binds its media (RTP echo) sockets at [media_port] and the next ports even if unused.
  const mediaPort = await allocatePort({ protocols: ['udp'], consecutive: 4, exclude: [sippPort] });
  // sipp's UDP control socket (default 8888, bound to 0.0.0.0: the shim moves it to loopback).
  const controlPort = await allocatePort({ protocols: ['udp'], exclude: [sippPort, mediaPort, mediaPort + 1, mediaPort + 2, mediaPort + 3] });

  let stunnel: Stunnel;
  let pki: InteropPki | undefined;
  const keys: Record<string, string> = { ...(options.keys ?? {}) };
  const args: string[] = [];
  if (options.role === 'uac') {
    stunnel = await startStunnel({
      scope: options.scope,
      dir,
      name: 'stunnel-client',
      mode: {
        kind: 'client',
        connectPort: options.target.port,
        caFile: options.target.caFile,
        ...(options.target.verifyHost !== undefined ? { verifyHost: options.target.verifyHost, sni: options.target.verifyHost } : {}),
      },
    });
    args.push(`127.0.0.1:${stunnel.acceptPort}`);
    if (options.service !== undefined) args.push('-s', options.service);
    if (options.authUser !== undefined) args.push('-au', options.authUser);
    if (options.authPassword !== undefined) args.push('-ap', options.authPassword);
  } else {
    pki = options.pki ?? (await createInteropPki(options.scope.subdir('sipp-pki')));
    const cert = pki.servers[options.certificate ?? 'good'];
    // stunnel's port is needed in the scenario (Contact), so reserve it before sipp starts.
    stunnel = await startStunnel({
      scope: options.scope,
      dir,
      name: 'stunnel-server',
      mode: { kind: 'server', connectPort: sippPort, certFile: cert.certPath, keyFile: cert.keyPath },
    });
    keys.tls_port ??= String(stunnel.acceptPort);
    keys.contact_user ??= 'sipp';
  }
  keys.domain ??= 'pbx.test';
  keys.expires ??= '300';
  keys.caller ??= options.role === 'uac' ? (options.authUser ?? 'sipp') : 'sipp';

  args.push(
    '-sf', scenario,
    '-t', 't1',
    '-i', '127.0.0.1',
    '-p', String(sippPort),
    '-mi', '127.0.0.1',
    '-mp', String(mediaPort),
    '-cp', String(controlPort),
    '-m', String(options.calls ?? 1),
    '-d', String(options.pauseMs ?? 1000),
    '-timeout', `${options.timeoutSeconds ?? 30}s`,
    '-timeout_error',
    '-nostdin',
    '-trace_msg', '-message_file', messageLogPath,
    '-trace_err', '-error_file', errorLogPath,
    ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, v]),
    ...(options.extraArgs ?? []),
  );
  const env = await withLoopbackBinds();
  const proc = ManagedProcess.spawn({ name: `sipp-${options.role}`, command: 'sipp', args, logPath, cwd: dir, env, graceMs: 2000 });
  options.scope.track(proc);
  if (options.role === 'uas') {
    try {
      await waitForTcpPort(sippPort, '127.0.0.1', 10_000, () => (proc.running ? undefined : `sipp exited (${describeExit(proc.exitStatus)}):\n${proc.tail()}`));
    } catch (e) {
      await proc.stop();
      throw e;
    }
  }

  const handle: SippBehindStunnel = {
    role: options.role,
    sipp: { pid: proc.pid, port: sippPort, logPath },
    stunnel,
    port: stunnel.acceptPort,
    ...(pki !== undefined ? { pki, caCertPath: pki.caCertPath, caCertPem: pki.caCertPem } : {}),
    messageLogPath,
    errorLogPath,
    waitForExit: async (timeoutMs = (options.timeoutSeconds ?? 30) * 1000 + 5000) => {
      const exit = await Promise.race([
        proc.exited,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`sipp still running after ${timeoutMs} ms:\n${proc.tail()}`)), timeoutMs).unref()),
      ]);
      return { ok: exit.code === 0, exit, summary: `sipp ${describeExit(exit)}` };
    },
    output: () => proc.output(),
    stop: async () => {
      await proc.stop();
      await stunnel.stop();
    },
  };
  options.scope.own(handle);
  return handle;
}
