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

function pemOf(report: CertificateReport): { pem: string; count: number } {
  const presented = report.chain.filter((c) => c.presented);
  const certs = presented.length > 0 ? presented : report.chain;
  return { pem: certs.map((c) => c.pem).join(''), count: certs.length };
}

export class CertificateService {
  constructor(
    private readonly inspector: CertificateInspector,
    private readonly engine: PhoneService,
    private readonly accounts: AccountsService,
  ) {}

  /** The report of the account's current (or last attempted) TLS connection; null before any. */
  forAccount(accountId: string): Result<{ accountId: string; report: CertificateReportView | null }, Problem> {
    const view = this.accounts.view(accountId);
    if (!view.ok) return view;
    const report = this.engine.account(accountId)?.connection.certificateReport();
    return ok({ accountId, report: report === undefined ? null : toCertificateReportView(report) });
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
