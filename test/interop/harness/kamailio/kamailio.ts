/**
 * A real Kamailio 5.6 (Debian `kamailio` + `kamailio-tls-modules`) as registrar/proxy on
 * loopback for interop tests. See kamailio-config.ts for what the generated script does.
 *
 * Started as `kamailio -DD -E -f kamailio.cfg -P kamailio.pid -Y <run dir> -w <dir> -m 32 -M 8`:
 * -DD keeps the creator process in the foreground (it forks workers, and the harness kills the
 * whole process group), -E logs to stderr (captured to kamailio.log). Never the system service.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessScope } from '../harness-scope.js';
import { createInteropPki, type InteropPki, type ServerCertificateKind } from '../interop-pki.js';
import { ManagedProcess } from '../managed-process.js';
import { findExecutable } from '../peers.js';
import { allocatePort, LOOPBACK_V4, LOOPBACK_V6, looksLikePortClash, PortClashError, retryOnPortClash, type LoopbackHost } from '../ports.js';
import { readSipDumpDir, type SipLogEntry } from '../sip-log.js';
import { buildRequest, SipStreamClient, sipToken } from '../sip-stream-client.js';
import { renderKamailioConfig, renderKamailioTlsConfig, type KamailioUser } from './kamailio-config.js';

export type { KamailioUser } from './kamailio-config.js';

export interface KamailioOptions {
  readonly scope: HarnessScope;
  /** Users that may register, with their passwords (digest realm = domain). */
  readonly users: readonly KamailioUser[];
  /** SIP domain (alias of the proxy, realm, certificate name); default `pbx.test`. */
  readonly domain?: string;
  /** Which certificate the TLS listener presents; default `good`. */
  readonly certificate?: ServerCertificateKind;
  /**
   * `TLSv1.2+` (default: TLS 1.2 or 1.3, 1.3 preferred) or `TLSv1.2` (exactly TLS 1.2, e.g. to
   * show that a client requiring 1.3 refuses). Kamailio 5.6's tls module has no 1.3-only method.
   */
  readonly tlsMethod?: 'TLSv1.2+' | 'TLSv1.2';
  /** Require a client certificate issued by the harness CA (`pki.client`). Default false. */
  readonly requireClientCertificate?: boolean;
  /** Also listen on [::1] (same ports). Default false. */
  readonly ipv6?: boolean;
  /** Challenge INVITE, MESSAGE, REFER, ... from local users (407). Default true. */
  readonly authenticateRequests?: boolean;
  /** Registrar limits in seconds: defaults 5 (so refresh tests are quick), 3600, 3600. */
  readonly minExpires?: number;
  readonly maxExpires?: number;
  readonly defaultExpires?: number;
  /** Kamailio `debug` level: 2 info (default), 3 debug. */
  readonly debugLevel?: number;
  /** Reuse an existing PKI (same CA across several peers); default: a fresh one in the peer dir. */
  readonly pki?: InteropPki;
  /** Start-up timeout; default 15 s. */
  readonly startTimeoutMs?: number;
}

export interface KamailioPorts {
  /** UDP and TCP share one port. */
  readonly udp: number;
  readonly tcp: number;
  readonly tls: number;
}

export interface RestartOptions {
  /** Present another certificate after the restart (e.g. switch to `expired`). */
  readonly certificate?: ServerCertificateKind;
}

export interface Kamailio {
  readonly domain: string;
  readonly host: LoopbackHost;
  readonly ports: KamailioPorts;
  readonly pki: InteropPki;
  /** PEM file of the CA that issued the `good` certificate: what our client must trust. */
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** The certificate currently presented. */
  readonly certificate: ServerCertificateKind;
  readonly dir: string;
  readonly configPath: string;
  /** Kamailio's own log (stderr). */
  readonly logPath: string;
  /** Directory of the sipdump message logs (one `.data` file per start). */
  readonly sipLogDir: string;
  /** The current sipdump file (every SIP message in and out), or undefined before the first. */
  sipLogPath(): string | undefined;
  readonly pid: number;
  /** `sip:127.0.0.1:<port>;transport=<t>`: an outbound proxy URI for clients. */
  proxyUri(transport?: 'tls' | 'tcp' | 'udp'): string;
  /** All messages logged so far (after a restart, the earlier runs' too). */
  readSipLog(): SipLogEntry[];
  /** Waits for a logged message matching `predicate` (the log is written within ~10 ms). */
  waitForSipMessage(predicate: (e: SipLogEntry) => boolean, timeoutMs?: number): Promise<SipLogEntry>;
  /** The Kamailio log so far. */
  output(): string;
  /** Stops and starts again on the same ports (registrations are lost: memory only). */
  restart(options?: RestartOptions): Promise<void>;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Sends OPTIONS over TCP and waits for 200 (the whole stack is up, not just the socket). */
async function optionsPing(port: number, domain: string): Promise<boolean> {
  let client: SipStreamClient | undefined;
  try {
    client = await SipStreamClient.connectTcp(port);
    const r = await client.request(
      buildRequest({ method: 'OPTIONS', uri: `sip:${domain}`, client, from: `<sip:probe@${domain}>`, to: `<sip:${domain}>`, callId: sipToken(), cseq: 1 }),
      1000,
    );
    return r.status === 200;
  } catch {
    return false;
  } finally {
    await client?.close();
  }
}

export async function startKamailio(options: KamailioOptions): Promise<Kamailio> {
  const domain = options.domain ?? 'pbx.test';
  const dir = options.scope.subdir('kamailio');
  const pki = options.pki ?? (await createInteropPki(mkdirAnd(join(dir, 'pki')), { domain }));
  const sipLogDir = mkdirAnd(join(dir, 'sip'));
  const runDir = mkdirAnd(join(dir, 'run'));
  const configPath = join(dir, 'kamailio.cfg');
  const tlsConfigPath = join(dir, 'tls.cfg');
  const logPath = join(dir, 'kamailio.log');
  const pidPath = join(runDir, 'kamailio.pid');
  const hosts: LoopbackHost[] = options.ipv6 === true ? [LOOPBACK_V4, LOOPBACK_V6] : [LOOPBACK_V4];
  let certificate: ServerCertificateKind = options.certificate ?? 'good';
  let ports: KamailioPorts = { udp: 0, tcp: 0, tls: 0 };
  let proc: ManagedProcess | undefined;
  let runs = 0;

  const writeTls = (): void => {
    const files = pki.servers[certificate];
    writeFileSync(
      tlsConfigPath,
      renderKamailioTlsConfig({
        certPath: files.certPath,
        keyPath: files.keyPath,
        method: options.tlsMethod ?? 'TLSv1.2+',
        ...(options.requireClientCertificate === true ? { clientCaPath: pki.caCertPath } : {}),
      }),
    );
  };
  const writeConfig = (): void => {
    writeFileSync(
      configPath,
      renderKamailioConfig({
        domain,
        users: options.users,
        udpPort: ports.udp,
        tcpPort: ports.tcp,
        tlsPort: ports.tls,
        ipv6: options.ipv6 === true,
        tlsConfigPath,
        sipDumpDir: sipLogDir,
        authenticateRequests: options.authenticateRequests ?? true,
        minExpires: options.minExpires ?? 5,
        maxExpires: options.maxExpires ?? 3600,
        defaultExpires: options.defaultExpires ?? 3600,
        debugLevel: options.debugLevel ?? 2,
        nonceSecret: randomBytes(16).toString('hex'),
      }),
    );
  };

  const launch = async (): Promise<ManagedProcess> => {
    writeConfig();
    writeTls();
    const p = ManagedProcess.spawn({
      name: 'kamailio',
      command: findExecutable('kamailio') ?? 'kamailio',
      args: ['-DD', '-E', '-f', configPath, '-P', pidPath, '-Y', runDir, '-w', dir, '-m', '32', '-M', '8'],
      logPath,
      cwd: dir,
      graceMs: 3000,
    });
    options.scope.track(p);
    try {
      await p.waitUntil('answering OPTIONS over TCP', () => optionsPing(ports.tcp, domain), options.startTimeoutMs ?? 15_000);
    } catch (e) {
      const log = p.output();
      await p.stop();
      if (looksLikePortClash(log)) throw new PortClashError(`kamailio lost a port race: ${(e as Error).message}`);
      throw e;
    }
    return p;
  };

  proc = await retryOnPortClash(async () => {
    const sipPort = await allocatePort({ protocols: ['udp', 'tcp'], hosts });
    const tlsPort = await allocatePort({ protocols: ['tcp'], hosts, exclude: [sipPort] });
    ports = { udp: sipPort, tcp: sipPort, tls: tlsPort };
    return launch();
  });

  const handle: Kamailio = {
    domain,
    host: LOOPBACK_V4,
    get ports() {
      return ports;
    },
    pki,
    caCertPath: pki.caCertPath,
    caCertPem: pki.caCertPem,
    get certificate() {
      return certificate;
    },
    dir,
    configPath,
    logPath,
    sipLogDir,
    sipLogPath: () => {
      try {
        const files = readdirSync(sipLogDir).filter((f) => f.startsWith('sip-') && f.endsWith('.data')).sort();
        const last = files[files.length - 1];
        return last === undefined ? undefined : join(sipLogDir, last);
      } catch {
        return undefined;
      }
    },
    get pid() {
      return proc?.pid ?? -1;
    },
    proxyUri: (transport = 'tls') => `sip:${LOOPBACK_V4}:${transport === 'tls' ? ports.tls : ports.tcp};transport=${transport}`,
    readSipLog: () => readSipDumpDir(sipLogDir),
    waitForSipMessage: async (predicate, timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = readSipDumpDir(sipLogDir).find(predicate);
        if (hit !== undefined) return hit;
        if (Date.now() > deadline) throw new Error(`no matching SIP message in Kamailio's log (${sipLogDir}) after ${timeoutMs} ms`);
        await sleep(50);
      }
    },
    output: () => proc?.output() ?? '',
    restart: async (restartOptions = {}) => {
      if (restartOptions.certificate !== undefined) certificate = restartOptions.certificate;
      await proc?.stop();
      // sipdump names its file by the second and truncates it: keep the earlier runs' files.
      runs += 1;
      for (const f of readdirSync(sipLogDir)) {
        if (f.startsWith('sip-')) renameSync(join(sipLogDir, f), join(sipLogDir, `run-${String(runs).padStart(3, '0')}-${f}`));
      }
      proc = await launch();
    },
    stop: async () => {
      await proc?.stop();
    },
  };
  options.scope.own(handle);
  return handle;
}

function mkdirAnd(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
