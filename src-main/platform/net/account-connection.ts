/**
 * The phone service's SipConnection (services/phone/ports.ts) for one account: a persistent
 * TLS/TCP flow (account-flow.ts + sip-transport.ts) or a UDP socket, built from the shared
 * account schema (src-shared/model/account.ts). Reads CA and client-certificate files here,
 * so the services never touch the file system.
 */
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../base/clock.js';
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import type { SipMessage } from '../../protocol/sip/message/message.js';
import type { TransportAddress, TransportPort } from '../../protocol/sip/transaction/transport-port.js';
import type { LocalEndpoint } from '../../protocol/sip/ua/local-endpoint.js';
import type { AccountConfig } from '../../../src-shared/model/account.js';
import type { ConnectionError, ConnectionState, SipConnection, SipConnectionFactory, SkippedServer } from '../../services/phone/ports.js';
import type { CertificateReport } from '../tls/certificate-report.js';
import { loadClientCredentials, type ClientCertificateSource } from '../tls/client-certificate.js';
import { tlsError } from '../tls/tls-error.js';
import type { NodeTlsConnector } from '../tls/tls-connector.js';
import { resolveTlsSettings, type EffectiveTlsSettings, type TlsAccountSettings } from '../tls/tls-settings.js';
import type { AnchorSet, TrustStore } from '../tls/trust-store.js';
import { AccountFlow, type AccountFlowState } from './account-flow.js';
import type { AttemptRecord } from './connect-failover.js';
import type { SipServerLocator } from './rfc3263-resolver.js';
import { normalizeAddress, parseHostPort, type HopAddress, type LocateRequest, type SipTransport } from './sip-hop.js';
import { DatagramSipTransport, FlowSipTransport } from './sip-transport.js';
import type { TcpConnector } from './tcp-connector.js';
import { UdpSipTransport } from './udp-transport.js';

export interface AccountConnectionDeps {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly locator: SipServerLocator;
  readonly tls: NodeTlsConnector;
  readonly tcp: TcpConnector;
  readonly trustStore: TrustStore;
  /** Keep-alive interval override (tests). */
  readonly keepAliveIntervalMs?: number;
  /** Bounds a peer gets (tests shorten them; defaults in sip-stream-flow.ts and sip-transport.ts). */
  readonly headerTimeoutMs?: number;
  readonly unansweredRegisterMs?: number;
  /** The machine's addresses (default: its interfaces); tests simulate an address going away. */
  readonly localAddresses?: () => ReadonlySet<string>;
}

export class AccountConnectionFactory implements SipConnectionFactory {
  constructor(private readonly deps: AccountConnectionDeps) {}

  async create(accountId: string, account: AccountConfig): Promise<Result<SipConnection, ConnectionError>> {
    const hop = locateRequestFor(account);
    if (!hop.ok) return hop;
    if (account.transport === 'udp') {
      const udp = await UdpSipTransport.open({ bindAddress: udpBindAddress(hop.value.host) });
      if (!udp.ok) return err(udp.error);
      return ok(new UdpConnection(accountId, hop.value, udp.value, this.deps));
    }
    let tls: { settings: EffectiveTlsSettings; anchors: AnchorSet } | undefined;
    if (account.transport === 'tls') {
      const settings = await tlsSettingsFor(account, this.deps.clock.now());
      if (!settings.ok) return settings;
      tls = { settings: settings.value, anchors: this.deps.trustStore.anchorsFor(settings.value.trust) };
    }
    const flow = new AccountFlow(
      {
        account: accountId,
        hop: hop.value,
        ...(tls === undefined ? {} : { tls }),
        ...(this.deps.keepAliveIntervalMs === undefined ? {} : { keepAlive: { intervalMs: this.deps.keepAliveIntervalMs } }),
        ...(this.deps.headerTimeoutMs === undefined ? {} : { headerTimeoutMs: this.deps.headerTimeoutMs }),
      },
      {
        locator: this.deps.locator,
        tls: this.deps.tls,
        tcp: this.deps.tcp,
        clock: this.deps.clock,
        rng: this.deps.rng,
        logger: this.deps.logger.child('flow'),
        ...(this.deps.localAddresses === undefined ? {} : { localAddresses: this.deps.localAddresses }),
      },
    );
    return ok(new FlowConnection(flow, this.deps));
  }
}

/**
 * The UDP socket's local address: loopback for a loopback registrar (nothing else may reach it),
 * else all addresses of the registrar's family.
 */
function udpBindAddress(host: string): string {
  const h = normalizeAddress(host);
  if (h === '::1') return '::1';
  if (/^127\./.test(h)) return '127.0.0.1';
  return h.includes(':') ? '::' : '0.0.0.0';
}

/** The RFC 3263 input for an account: its domain (or registrar override), transport, sips:, outbound proxy. */
export function locateRequestFor(account: AccountConfig): Result<LocateRequest, ConnectionError> {
  const m = /^(sips?):(?:[^@]*@)?([^;?]+)/i.exec(account.uri);
  if (m === null) return err({ code: 'invalid-account', detail: { reason: 'the address is not a sip: or sips: URI' } });
  const secure = m[1]!.toLowerCase() === 'sips';
  const domain = parseHostPort(account.registrar ?? m[2]!);
  if (domain === undefined) return err({ code: 'invalid-account', detail: { reason: 'the domain is not a valid host' } });
  if (secure && account.transport !== 'tls') return err({ code: 'invalid-account', detail: { reason: 'a sips: address must use TLS (RFC 3261 §26.2.2)' } });
  const transport: SipTransport = account.transport;
  let outboundProxy: HopAddress | undefined;
  if (account.outboundProxy !== undefined) {
    const p = /^(?:sips?:)?([^;]+)(?:;(.*))?$/i.exec(account.outboundProxy.trim());
    const hp = p === null ? undefined : parseHostPort(p[1]!);
    if (hp === undefined) return err({ code: 'invalid-account', detail: { reason: 'the outbound proxy is not a valid host[:port]' } });
    outboundProxy = { host: hp.host, ...(hp.port === undefined ? {} : { port: hp.port }), transport };
  }
  return ok({
    host: domain.host,
    ...(domain.port === undefined ? {} : { port: domain.port }),
    transport,
    secure,
    supported: [transport],
    ...(outboundProxy === undefined ? {} : { outboundProxy }),
  });
}

export async function tlsSettingsFor(account: AccountConfig, now: number): Promise<Result<EffectiveTlsSettings, ConnectionError>> {
  const t = account.tls;
  const customCaPems: string[] = [];
  for (const file of t.caFiles) {
    try {
      customCaPems.push(await readFile(file, 'utf8'));
    } catch (e) {
      return err({ code: 'ca-file-unreadable', detail: { file, cause: String((e as { code?: unknown }).code ?? 'unreadable') } });
    }
  }
  // CAs trusted from the certificate panel ("Trust this CA") or provisioning, kept in the account.
  customCaPems.push(...t.trustedCas);
  let clientCredentials: TlsAccountSettings['clientCredentials'];
  if (t.clientCert !== undefined) {
    let source: ClientCertificateSource;
    try {
      source =
        'pkcs12' in t.clientCert
          ? { kind: 'pkcs12', data: await readFile(t.clientCert.pkcs12), password: t.clientCert.password ?? '' }
          : {
              kind: 'pem',
              certPem: await readFile(t.clientCert.cert, 'utf8'),
              keyPem: await readFile(t.clientCert.key, 'utf8'),
              ...(t.clientCert.password === undefined ? {} : { keyPassphrase: t.clientCert.password }),
            };
    } catch (e) {
      return err({ code: 'client-cert-unreadable', detail: { file: String((e as { path?: unknown }).path ?? ''), cause: String((e as { code?: unknown }).code ?? 'unreadable') } });
    }
    const creds = loadClientCredentials(source, now);
    if (!creds.ok) return err(creds.error);
    clientCredentials = creds.value;
  }
  const settings = resolveTlsSettings(
    {
      verification: t.verify,
      ...(t.pin === undefined ? {} : { pins: [t.pin] }),
      minVersion: t.minVersion,
      ...(t.ciphers === undefined ? {} : { ciphers: t.ciphers }),
      trust: { system: !t.caOnly, bundled: !t.caOnly, customCaPems },
      ocsp: t.revocation,
      ...(clientCredentials === undefined ? {} : { clientCredentials }),
    },
    { allowInsecure: account.allowInsecureTls },
  );
  if (!settings.ok) return err(settings.error);
  return ok(settings.value);
}

function flowState(s: AccountFlowState): ConnectionState {
  switch (s.kind) {
    case 'idle':
    case 'resolving':
      return { kind: 'connecting', phase: 'resolving' };
    case 'connecting':
      return { kind: 'connecting', phase: 'connecting', address: s.target.address, port: s.target.port, index: s.index, of: s.of, dns: s.dns };
    case 'connected':
      return {
        kind: 'connected',
        transport: s.flow.transport,
        remote: `${s.flow.remote.address}:${s.flow.remote.port}`,
        sdesAllowed: s.flow.security.sdesAllowed,
        ...(s.flow.security.weakness === undefined ? {} : { weakness: s.flow.security.weakness }),
        skipped: skippedServers(s.attempts),
      };
    case 'failed':
      return { kind: 'failed', code: s.error.code, ...(s.error.detail === undefined ? {} : { detail: s.error.detail }), retryInMs: s.retryInMs, lost: s.lost !== undefined, skipped: skippedServers(s.attempts) };
    case 'stopped':
      return { kind: 'stopped' };
  }
}

/** The servers tried and passed over, as values for the views. */
function skippedServers(attempts: readonly AttemptRecord[]): SkippedServer[] {
  return attempts
    .filter((a) => a.outcome !== 'connected' && a.error !== undefined)
    .map((a) => ({ transport: a.target.transport, address: a.target.address, port: a.target.port, hostname: a.target.hostname, code: a.error!.code }));
}

class FlowConnection implements SipConnection {
  private readonly sip: FlowSipTransport;
  private readonly store = new DisposableStore();
  private readonly stateEmitter = new Emitter<ConnectionState>();
  private readonly bindingEmitter = new Emitter<void>();
  readonly onState: Event<ConnectionState> = this.stateEmitter.event;
  readonly onBindingChanged: Event<void> = this.bindingEmitter.event;
  private current: ConnectionState = { kind: 'connecting', phase: 'resolving' };
  private bindingSub: Disposable | undefined;

  constructor(
    private readonly flow: AccountFlow,
    deps: AccountConnectionDeps,
  ) {
    this.sip = new FlowSipTransport(flow, deps.logger.child('sip'), {
      clock: deps.clock,
      ...(deps.unansweredRegisterMs === undefined ? {} : { unansweredRegisterMs: deps.unansweredRegisterMs }),
    });
    this.store.add(
      flow.onState((s) => {
        this.current = flowState(s);
        if (s.kind === 'connected') this.watchBinding();
        this.stateEmitter.fire(this.current);
      }),
    );
  }

  get transport(): TransportPort {
    return this.sip;
  }

  get state(): ConnectionState {
    return this.current;
  }

  connect(sink: { receive(message: SipMessage, source: TransportAddress): void }): Disposable {
    return this.sip.connect(sink);
  }

  endpoint(): LocalEndpoint | undefined {
    const info = this.flow.flowInfo;
    if (info === undefined) return undefined;
    const binding = this.sip.natBinding?.contact ?? info.local;
    return {
      transport: info.transport === 'tls' ? 'TLS' : 'TCP',
      viaHost: info.local.address,
      viaPort: info.local.port,
      contactHost: binding.address,
      contactPort: binding.port,
      destination: { transport: info.transport === 'tls' ? 'TLS' : 'TCP', host: info.remote.address, port: info.remote.port },
    };
  }

  private watchBinding(): void {
    this.bindingSub?.dispose();
    this.bindingSub = this.sip.natBinding?.onChange(() => this.bindingEmitter.fire());
  }

  start(): void {
    this.flow.start();
  }

  stop(): void {
    this.flow.stop();
  }

  /** Skips the backoff of a failed flow; replaces at once a flow whose local address is gone. */
  reconnectNow(): void {
    this.flow.networkChanged();
  }

  setServerFlowTimer(seconds: number): void {
    this.flow.setServerFlowTimer(seconds);
  }

  certificateReport(): CertificateReport | undefined {
    return this.flow.certificateReport();
  }

  dispose(): void {
    this.bindingSub?.dispose();
    this.store.dispose();
    this.sip.dispose();
    this.flow.dispose();
    this.stateEmitter.dispose();
    this.bindingEmitter.dispose();
  }
}

/**
 * UDP: no flow; the registrar is located (RFC 3263) and requests go to its first address. A
 * REGISTER that nothing answers moves the account to the next address (§4.3), in turn, and the
 * registration starts again there at once.
 */
class UdpConnection implements SipConnection {
  private readonly sip: DatagramSipTransport;
  private readonly stateEmitter = new Emitter<ConnectionState>();
  private readonly bindingEmitter = new Emitter<void>();
  readonly onState: Event<ConnectionState> = this.stateEmitter.event;
  readonly onBindingChanged: Event<void> = this.bindingEmitter.event;
  private current: ConnectionState = { kind: 'connecting', phase: 'resolving' };
  private target: { address: string; port: number } | undefined;
  private targets: readonly { address: string; port: number }[] = [];
  private readonly bindingSub: Disposable;
  private readonly unansweredSub: Disposable;
  private stopped = false;

  constructor(
    private readonly accountId: string,
    private readonly hop: LocateRequest,
    private readonly udp: UdpSipTransport,
    private readonly deps: AccountConnectionDeps,
  ) {
    this.sip = new DatagramSipTransport(udp, deps.logger.child('sip'), { clock: deps.clock, ...(deps.unansweredRegisterMs === undefined ? {} : { unansweredRegisterMs: deps.unansweredRegisterMs }) });
    this.bindingSub = this.sip.natBinding.onChange(() => this.bindingEmitter.fire());
    this.unansweredSub = this.sip.onRegisterUnanswered((to) => this.unanswered(to));
  }

  /** The server did not answer a REGISTER: the next address of the located list, if any. */
  private unanswered(to: string): void {
    const current = this.target;
    if (this.stopped || current === undefined || this.targets.length < 2 || to !== `${normalizeAddress(current.address)}:${current.port}`) return;
    const i = this.targets.indexOf(current);
    const next = this.targets[(i + 1) % this.targets.length]!;
    this.deps.logger.warn('the SIP server does not answer over UDP: trying the next address', { account: this.accountId, from: to, to: `${next.address}:${next.port}` });
    // Lost, then connected to the next address: the registration drops its unanswered REGISTER and registers there now.
    this.setState({ kind: 'failed', code: 'timeout', detail: { reason: `REGISTER unanswered at ${to}` }, retryInMs: 0, lost: true, skipped: [] });
    this.useTarget(next);
  }

  get transport(): TransportPort {
    return this.sip;
  }

  get state(): ConnectionState {
    return this.current;
  }

  connect(sink: { receive(message: SipMessage, source: TransportAddress): void }): Disposable {
    return this.sip.connect(sink);
  }

  endpoint(): LocalEndpoint | undefined {
    if (this.target === undefined) return undefined;
    const local = this.udp.local;
    const host = local.address === '0.0.0.0' || local.address === '::' ? (this.target.address.includes(':') ? '::1' : '127.0.0.1') : local.address;
    const binding = this.sip.natBinding.contact;
    const publicKnown = binding.address !== local.address || binding.port !== local.port;
    return {
      transport: 'UDP',
      viaHost: host,
      viaPort: local.port,
      contactHost: publicKnown ? binding.address : host,
      contactPort: publicKnown ? binding.port : local.port,
      destination: { transport: 'UDP', host: this.target.address, port: this.target.port },
    };
  }

  start(): void {
    this.stopped = false;
    void this.locate();
  }

  private async locate(): Promise<void> {
    this.setState({ kind: 'connecting', phase: 'resolving' });
    const r = await this.deps.locator.locate({ ...this.hop, supported: ['udp'] });
    if (this.stopped) return;
    const first = r.ok ? r.value.targets.find((t) => t.transport === 'udp') : undefined;
    if (!r.ok || first === undefined) {
      const error = r.ok ? tlsError('no-targets', { reason: 'no UDP server for the domain' }) : r.error;
      this.setState({ kind: 'failed', code: error.code, ...(error.detail === undefined ? {} : { detail: error.detail }), retryInMs: 30_000, lost: false, skipped: [] });
      this.deps.clock.setTimer(30_000, () => {
        if (!this.stopped) void this.locate();
      });
      return;
    }
    this.targets = r.value.targets.filter((t) => t.transport === 'udp').map((t) => ({ address: t.address, port: t.port }));
    this.deps.logger.warn('account uses SIP over UDP: signalling is not encrypted', { account: this.accountId });
    this.useTarget(this.targets[0]!);
  }

  private useTarget(target: { address: string; port: number }): void {
    this.target = target;
    this.setState({
      kind: 'connected',
      transport: 'udp',
      remote: `${target.address}:${target.port}`,
      sdesAllowed: false,
      weakness: 'plaintext',
      skipped: [],
    });
  }

  private setState(s: ConnectionState): void {
    this.current = s;
    this.stateEmitter.fire(s);
  }

  stop(): void {
    this.stopped = true;
    this.setState({ kind: 'stopped' });
  }

  reconnectNow(): void {
    if (!this.stopped) void this.locate();
  }

  setServerFlowTimer(): void {
    // UDP has no flow; RFC 5626 STUN keep-alives are not implemented.
  }

  certificateReport(): CertificateReport | undefined {
    return undefined;
  }

  dispose(): void {
    this.stopped = true;
    this.bindingSub.dispose();
    this.unansweredSub.dispose();
    this.sip.dispose();
    this.udp.dispose();
    this.stateEmitter.dispose();
    this.bindingEmitter.dispose();
  }
}
