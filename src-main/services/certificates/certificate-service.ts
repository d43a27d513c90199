/**
 * The certificate panel's service: the report of an account's live TLS flow, a check of every
 * address behind an account's server or any host, and the chain as PEM. Verdicts come from the
 * same verification code as the SIP flows (platform/tls), explained by views/certificate-view.ts.
 */
import { err, ok, type Result } from '../../base/result.js';
import type { CertificateReportView, InspectionView } from '../../../src-shared/model/certificate.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import type { CertificateReport } from '../../platform/tls/certificate-report.js';
import { problem } from '../problems/problem-catalog.js';
import type { AccountsService } from '../phone/accounts-service.js';
import { connectionProblem } from '../phone/connection-problem.js';
import type { PhoneService } from '../phone/phone-service.js';
import { inspectionView, toCertificateReportView } from '../phone/views/certificate-view.js';
import type { CertificateInspector, InspectRequest } from './ports.js';
import { OPEN_TRUST_POLICY, trustActionsView, type TrustPolicy } from './trust-policy.js';
import type { AccountConfig, AccountView, LockedSetting } from '../../../src-shared/model/account.js';
import type { TrustActionsView } from '../../../src-shared/model/diagnostics.js';

export interface InspectInput {
  readonly host: string;
  readonly servername?: string;
  readonly caPems: readonly string[];
  readonly mode: InspectRequest['mode'];
  readonly pins: readonly string[];
  readonly allAddresses: boolean;
}

function splitHostPort(input: string): { host: string; port: number } | undefined {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(input) ?? /^([^:]+)(?::(\d+))?$/.exec(input);
  if (m === null) return undefined;
  const port = m[2] === undefined ? 5061 : Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port } : undefined;
}

/** Same certificate, whatever the line endings and armour spacing. */
function samePem(a: string, b: string): boolean {
  const body = (p: string): string => p.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  return body(a) === body(b);
}

function pemOf(report: CertificateReport): { pem: string; count: number } {
  const presented = report.chain.filter((c) => c.presented);
  const certs = presented.length > 0 ? presented : report.chain;
  return { pem: certs.map((c) => c.pem).join(''), count: certs.length };
}

type TrustAction = 'trustCa' | 'pin' | 'chainOnly';

export class CertificateService {
  constructor(
    private readonly inspector: CertificateInspector,
    private readonly engine: PhoneService,
    private readonly accounts: AccountsService,
    private readonly policy: TrustPolicy = OPEN_TRUST_POLICY,
  ) {}

  /** The report of the account's current (or last attempted) TLS connection (null before any), and what policy lets the panel do. */
  forAccount(accountId: string): Result<{ accountId: string; report: CertificateReportView | null; actions: TrustActionsView }, Problem> {
    const view = this.accounts.view(accountId);
    if (!view.ok) return view;
    const report = this.engine.account(accountId)?.connection.certificateReport();
    return ok({ accountId, report: report === undefined ? null : toCertificateReportView(report), actions: this.actions(view.value) });
  }

  private actions(view: AccountView): TrustActionsView {
    const locked = (prefix: string): LockedSetting | undefined => view.locked.find((l) => l.setting === 'tls' || l.setting === prefix || l.setting.startsWith(`${prefix}.`));
    const verify = locked('tls.verify') ?? locked('tls.pin');
    const trust = locked('tls.trustedCas') ?? locked('tls.caOnly');
    return trustActionsView(this.policy, verify !== undefined, trust !== undefined, verify?.reason ?? trust?.reason);
  }

  /** Refuses an action policy forbids, before anything is read or changed. */
  private allowed(action: TrustAction): Result<void, Problem> {
    const on = action === 'trustCa' ? this.policy.trustCa : action === 'pin' ? this.policy.pin : this.policy.chainOnly;
    const what = action === 'trustCa' ? 'trusting a certificate authority' : action === 'pin' ? 'pinning a server certificate' : 'chain-only verification';
    return on ? ok(undefined) : err(problem('policy-denied', { action: what, ...(this.policy.reason === undefined ? {} : { reason: this.policy.reason }) }));
  }

  /** The account's last chain (the live flow's or the last attempt's), or not-found. */
  private lastChain(accountId: string): Result<CertificateReport, Problem> {
    const report = this.engine.account(accountId)?.connection.certificateReport();
    if (report === undefined || report.chain.length === 0) return err(problem('not-found', { what: 'certificate chain (the account has not reached a TLS server yet)' }));
    return ok(report);
  }

  private async change(accountId: string, edit: (tls: AccountConfig['tls']) => AccountConfig['tls']): Promise<Result<AccountView, Problem>> {
    const config = await this.accounts.config(accountId);
    if (!config.ok) return config;
    if (config.value.transport !== 'tls') return err(problem('conflict'));
    // The stored password stays as it is: update() keeps a password the config leaves out.
    const { password: _password, ...rest } = config.value;
    void _password;
    return this.accounts.update({ id: accountId, config: { ...rest, tls: edit(config.value.tls) }, clearPassword: false });
  }

  /** "Trust this CA": adds a CA certificate of the last chain (or a self-signed server certificate) to the account. */
  async trustCa(accountId: string, fingerprintSha256: string): Promise<Result<AccountView, Problem>> {
    const allowed = this.allowed('trustCa');
    if (!allowed.ok) return allowed;
    const view = this.accounts.view(accountId);
    if (!view.ok) return view;
    const chain = this.lastChain(accountId);
    if (!chain.ok) return chain;
    const want = fingerprintSha256.toUpperCase();
    const cert = chain.value.chain.find((c) => c.fingerprintSha256.toUpperCase() === want);
    if (cert === undefined) return err(problem('not-found', { what: 'certificate in the server’s chain' }));
    const selfSigned = cert.subject === cert.issuer;
    if (!cert.isCa && !selfSigned) return err(problem('invalid-value', { field: 'certificate (a server certificate signed by someone else is not a CA: trust its issuer, or pin it)' }));
    return this.change(accountId, (tls) => (tls.trustedCas.some((p) => samePem(p, cert.pem)) ? tls : { ...tls, trustedCas: [...tls.trustedCas, cert.pem] }));
  }

  /** Pins the server's key (SPKI, survives a renewal with the same key) or its exact certificate. */
  async pin(accountId: string, what: 'key' | 'certificate'): Promise<Result<AccountView, Problem>> {
    const allowed = this.allowed('pin');
    if (!allowed.ok) return allowed;
    const view = this.accounts.view(accountId);
    if (!view.ok) return view;
    const chain = this.lastChain(accountId);
    if (!chain.ok) return chain;
    const leaf = chain.value.chain.find((c) => c.role === 'leaf' && c.presented) ?? chain.value.chain[0]!;
    const pin = what === 'key' ? leaf.spkiPin : leaf.fingerprintSha256.replace(/:/g, '').toLowerCase();
    return this.change(accountId, (tls) => ({ ...tls, verify: 'pinned', pin }));
  }

  /** Chain-only: the chain must still reach a trusted CA, but the name is not checked (weaker; the seed's provider caveat). */
  async useChainOnly(accountId: string): Promise<Result<AccountView, Problem>> {
    const allowed = this.allowed('chainOnly');
    if (!allowed.ok) return allowed;
    const view = this.accounts.view(accountId);
    if (!view.ok) return view;
    return this.change(accountId, (tls) => ({ ...tls, verify: 'chain-only' }));
  }

  async checkAccountAddresses(accountId: string): Promise<Result<InspectionView, Problem>> {
    const config = await this.accounts.config(accountId);
    if (!config.ok) return config;
    if (config.value.transport !== 'tls') return err(problem('conflict'));
    const r = await this.inspector.inspectAccount(config.value);
    if (!r.ok) return err(connectionProblem(r.error));
    return ok(inspectionView(r.value, r.value.addresses));
  }

  async inspect(input: InspectInput): Promise<Result<InspectionView, Problem>> {
    const hp = splitHostPort(input.host);
    if (hp === undefined) return err(problem('invalid-value', { field: 'host[:port]' }));
    if (input.mode === 'pinned' && input.pins.length === 0) return err(problem('invalid-value', { field: 'pins (pinned mode needs a pin)' }));
    const servername = (input.servername ?? hp.host).toLowerCase();
    const target = { host: hp.host, port: hp.port, servername, mode: input.mode };
    const r = await this.inspector.inspect({ ...hp, servername, caPems: input.caPems, mode: input.mode, pins: input.pins, allAddresses: input.allAddresses });
    if (!r.ok) return ok(inspectionView(target, [], connectionProblem(r.error)));
    return ok(inspectionView(target, r.value));
  }

  /** The certificates the server sent (leaf first), as PEM, for the account's flow or an inspected address. */
  async exportChain(req: { accountId: string } | { host: string; servername?: string; address?: string }): Promise<Result<{ pem: string; count: number; fileName: string }, Problem>> {
    if (!this.policy.exportPem) return err(problem('policy-denied', { action: 'exporting certificates', ...(this.policy.reason === undefined ? {} : { reason: this.policy.reason }) }));
    let report: CertificateReport | undefined;
    let name: string;
    if ('accountId' in req) {
      const view = this.accounts.view(req.accountId);
      if (!view.ok) return view;
      report = this.engine.account(req.accountId)?.connection.certificateReport();
      name = req.accountId;
    } else {
      const hp = splitHostPort(req.host);
      if (hp === undefined) return err(problem('invalid-value', { field: 'host[:port]' }));
      const r = await this.inspector.inspect({ ...hp, servername: (req.servername ?? hp.host).toLowerCase(), caPems: [], mode: 'chain-only', pins: [], allAddresses: req.address !== undefined });
      if (!r.ok) return err(connectionProblem(r.error));
      report = (req.address === undefined ? r.value[0] : r.value.find((a) => a.address === req.address))?.report;
      name = hp.host;
    }
    if (report === undefined || report.chain.length === 0) return err(problem('not-found', { what: 'certificate chain' }));
    const { pem, count } = pemOf(report);
    return ok({ pem, count, fileName: `${name.replace(/[^A-Za-z0-9.-]+/g, '_')}-chain.pem` });
  }
}
