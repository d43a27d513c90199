/**
 * A real baresip 1.0 (Debian `baresip`) as an independent SDES-SRTP softphone for interop tests:
 * headless (no sound card), driven through ctrl_tcp, registering to the Kamailio harness over TLS.
 * See baresip-config.ts for the configuration keys 1.0 needs.
 *
 *   const bob = await startBaresip({ scope, kamailio, user: 'bob', password, answerMode: 'auto' });
 *   await bob.waitForRegistration();
 *   await alice.dial('sip:bob@pbx.test');
 *   await alice.waitForEvent('CALL_ESTABLISHED');
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HarnessScope } from '../harness-scope.js';
import type { Kamailio } from '../kamailio/kamailio.js';
import { withLoopbackBinds } from '../loopback-bind-shim.js';
import { ManagedProcess } from '../managed-process.js';
import { allocatePort, looksLikePortClash, PortClashError, retryOnPortClash } from '../ports.js';
import {
  renderBaresipAccount,
  renderBaresipConfig,
  type BaresipAnswerMode,
  type BaresipAudioSource,
  type BaresipCodec,
  type BaresipMediaEncryption,
} from './baresip-config.js';
import { CtrlTcpClient, type BaresipEvent, type CtrlResponse } from './ctrl-tcp-client.js';

export type { BaresipAnswerMode, BaresipAudioSource, BaresipCodec, BaresipMediaEncryption } from './baresip-config.js';
export type { BaresipEvent, CtrlResponse } from './ctrl-tcp-client.js';

export interface BaresipOptions {
  readonly scope: HarnessScope;
  /** SIP user (and the instance name in logs). */
  readonly user: string;
  /** Digest password; omit for an account that does not register. */
  readonly password?: string;
  /** Register to (and route calls through) this Kamailio; its CA becomes `sip_cafile`. */
  readonly kamailio?: Kamailio;
  /** Domain of the AOR; default the Kamailio's domain, else 127.0.0.1. */
  readonly domain?: string;
  /** Transport to Kamailio; default `tls`. */
  readonly transport?: 'tls' | 'tcp' | 'udp';
  /** Default `srtp-mand` (RTP/SAVP with a=crypto only). */
  readonly mediaEncryption?: BaresipMediaEncryption;
  /** Offered/accepted codecs in preference order; default ['PCMU']. */
  readonly codecs?: readonly BaresipCodec[];
  /** What baresip sends: default a 440 Hz sine. */
  readonly audioSource?: BaresipAudioSource;
  /** Default `manual` (use `accept()`); `auto` answers every call. */
  readonly answerMode?: BaresipAnswerMode;
  /** REGISTER interval in seconds; default 600. 0 = do not register. */
  readonly registerInterval?: number;
  /** Extra lines for `config` and extra `;param`s for the account line. */
  readonly extraConfig?: readonly string[];
  readonly extraAccountParams?: readonly string[];
  readonly startTimeoutMs?: number;
}

/** The WAVs the sndfile filter wrote for one call. */
export interface BaresipRecording {
  /** What baresip received, decoded (the far end's audio), at the codec's rate. */
  readonly received: string;
  /** What baresip sent, before encoding. */
  readonly sent: string;
}

export interface Baresip {
  readonly name: string;
  /** `sip:user@domain`. */
  readonly aor: string;
  readonly sipPort: number;
  /** baresip's own TLS listener (sip_listen + 1). */
  readonly tlsPort: number;
  readonly ctrlPort: number;
  readonly dir: string;
  readonly logPath: string;
  readonly recordDir: string;
  readonly pid: number;
  /** Every ctrl_tcp event received so far (oldest first). */
  readonly events: readonly BaresipEvent[];
  /** Any menu command in long form (`callstat`, `hold`, `reginfo`, ...). */
  command(command: string, params?: string): Promise<CtrlResponse>;
  dial(uri: string): Promise<void>;
  accept(): Promise<void>;
  hangup(): Promise<void>;
  /** Sends DTMF digits in the current call (`sndcode`; RFC 4733 telephone-events). */
  sendDtmf(digits: string): Promise<void>;
  hold(): Promise<void>;
  resume(): Promise<void>;
  /** Waits for an event (already received ones count unless `fromIndex` is given). */
  waitForEvent(type: string, options?: { timeoutMs?: number; fromIndex?: number; predicate?: (e: BaresipEvent) => boolean }): Promise<BaresipEvent>;
  /** Waits until `count` events of `type` arrived (from `fromIndex`); returns them in order. */
  waitForEvents(type: string, count: number, options?: { timeoutMs?: number; fromIndex?: number }): Promise<BaresipEvent[]>;
  /**
   * Waits until baresip's REGISTER got 200 OK (from its log). Pass `fromOffset` (a `logSize()`
   * taken earlier) to wait for a new registration, e.g. after `kamailio.restart()`.
   */
  waitForRegistration(timeoutMs?: number, fromOffset?: number): Promise<void>;
  /** Current size of baresip's log in bytes (see `waitForRegistration`). */
  logSize(): number;
  /** Recordings of finished (or running) calls, oldest first. */
  recordings(): BaresipRecording[];
  /** baresip's log so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function startBaresip(options: BaresipOptions): Promise<Baresip> {
  const name = `baresip-${options.user}`;
  const dir = options.scope.subdir(name);
  const recordDir = join(dir, 'recordings');
  mkdirSync(recordDir, { recursive: true });
  const logPath = join(dir, 'baresip.log');
  const kam = options.kamailio;
  const domain = options.domain ?? kam?.domain ?? '127.0.0.1';
  const transport = options.transport ?? 'tls';
  const codecs = options.codecs ?? ['PCMU'];

  let sipPort = 0;
  let ctrlPort = 0;
  const proc = await retryOnPortClash(async () => {
    sipPort = await allocatePort({ protocols: ['udp', 'tcp'], consecutive: 2 });
    ctrlPort = await allocatePort({ protocols: ['tcp'], exclude: [sipPort, sipPort + 1] });
    writeFileSync(
      join(dir, 'config'),
      renderBaresipConfig({
        sipPort,
        ctrlPort,
        recordDir,
        ...(kam !== undefined ? { caFile: kam.caCertPath } : {}),
        audioSource: options.audioSource ?? { kind: 'sine', frequency: 440 },
        deviceName: name,
        codecs,
        ...(options.extraConfig !== undefined ? { extraConfig: options.extraConfig } : {}),
      }),
    );
    writeFileSync(
      join(dir, 'accounts'),
      renderBaresipAccount({
        user: options.user,
        domain,
        ...(options.password !== undefined ? { password: options.password } : {}),
        transport,
        ...(kam !== undefined ? { outbound: kam.proxyUri(transport) } : {}),
        registerInterval: options.registerInterval ?? (options.password !== undefined && kam !== undefined ? 600 : 0),
        answerMode: options.answerMode ?? 'manual',
        mediaEncryption: options.mediaEncryption ?? 'srtp-mand',
        codecs,
        ...(options.extraAccountParams !== undefined ? { extraParams: options.extraAccountParams } : {}),
      }),
      { mode: 0o600 },
    );
    // baresip 1.0 binds RTP and its DNS client to the wildcard address: keep them on loopback.
    const env = await withLoopbackBinds();
    const p = ManagedProcess.spawn({ name, command: 'baresip', args: ['-f', dir], logPath, cwd: dir, env, graceMs: 3000 });
    options.scope.track(p);
    try {
      await p.waitForOutput(/ctrl_tcp: TCP socket listening|baresip is ready/, { timeoutMs: options.startTimeoutMs ?? 10_000 });
      await p.waitForOutput('baresip is ready.', { timeoutMs: options.startTimeoutMs ?? 10_000 });
      if (looksLikePortClash(p.output())) throw new PortClashError(`${name}: port clash`);
    } catch (e) {
      const log = p.output();
      await p.stop();
      if (e instanceof PortClashError || looksLikePortClash(log)) throw new PortClashError(`${name} lost a port race: ${(e as Error).message}`);
      throw e;
    }
    return p;
  });
  const ctrl = await CtrlTcpClient.connect(ctrlPort);

  const expectOk = async (command: string, params = ''): Promise<void> => {
    const r = await ctrl.command(command, params);
    if (!r.ok) throw new Error(`baresip ${name}: '${command} ${params}' failed: ${r.data}`);
  };

  const handle: Baresip = {
    name,
    aor: `sip:${options.user}@${domain}`,
    sipPort,
    tlsPort: sipPort + 1,
    ctrlPort,
    dir,
    logPath,
    recordDir,
    pid: proc.pid,
    events: ctrl.events,
    command: (command, params) => ctrl.command(command, params),
    dial: (uri) => expectOk('dial', uri),
    accept: () => expectOk('accept'),
    hangup: () => expectOk('hangup'),
    sendDtmf: (digits) => {
      if (!/^[0-9*#A-Da-d]+$/.test(digits)) return Promise.reject(new Error(`not DTMF digits: ${digits}`));
      return expectOk('sndcode', digits);
    },
    hold: () => expectOk('hold'),
    resume: () => expectOk('resume'),
    waitForEvent: (type, waitOptions) => ctrl.waitForEvent(type, waitOptions),
    waitForEvents: (type, count, waitOptions) => ctrl.waitForEvents(type, count, waitOptions),
    waitForRegistration: async (timeoutMs = 10_000, fromOffset = 0) => {
      await proc.waitForOutput(/\{\d+\/\w+\/v[46]\} 200 OK/, { timeoutMs, fromOffset });
    },
    logSize: () => proc.logSize(),
    recordings: () => listRecordings(recordDir),
    output: () => proc.output(),
    stop: async () => {
      ctrl.close();
      await proc.stop();
    },
  };
  options.scope.own(handle);
  return handle;
}

/** sndfile names files `dump-<YYYY-MM-DD-HH-MM-SS>-{enc,dec}.wav`; pairs them per call. */
export function listRecordings(recordDir: string): BaresipRecording[] {
  let files: string[];
  try {
    files = readdirSync(recordDir);
  } catch {
    return [];
  }
  const stems = [...new Set(files.filter((f) => /^dump-.*-(enc|dec)\.wav$/.test(f)).map((f) => f.replace(/-(enc|dec)\.wav$/, '')))];
  return stems
    .map((stem) => ({ stem, mtime: statSync(join(recordDir, `${stem}-dec.wav`), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
    .sort((a, b) => a.stem.localeCompare(b.stem) || a.mtime - b.mtime)
    .map(({ stem }) => ({ received: join(recordDir, `${stem}-dec.wav`), sent: join(recordDir, `${stem}-enc.wav`) }));
}
