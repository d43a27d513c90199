/**
 * The TLS event log: one record per connection attempt with version, cipher, a peer chain summary
 * and the result (seed: "Log TLS events"). Kept in a bounded ring for the diagnostics panel and
 * written to the (redacting) logger.
 */
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import type { CertificateReport, SecurityLevel } from './certificate-report.js';
import type { TlsErrorCode } from './tls-error.js';

export interface TlsEventRecord {
  readonly time: string;
  readonly account?: string;
  readonly domain: string;
  readonly address: string;
  readonly port: number;
  readonly sni?: string;
  readonly mode: string;
  readonly protocol?: string;
  readonly cipher?: string;
  readonly chain: readonly { readonly subject: string; readonly fingerprintSha256: string; readonly notAfter: string }[];
  readonly result: 'ok' | TlsErrorCode;
  readonly level: SecurityLevel;
  readonly revocation: string;
  readonly durationMs: number;
}

export function tlsEventFromReport(report: CertificateReport, durationMs: number, account?: string): TlsEventRecord {
  return {
    time: report.checkedAt,
    ...(account === undefined ? {} : { account }),
    domain: report.target.domain,
    address: report.target.address,
    port: report.target.port,
    ...(report.target.sni === undefined ? {} : { sni: report.target.sni }),
    mode: report.mode,
    ...(report.protocol === undefined ? {} : { protocol: report.protocol }),
    ...(report.cipher === undefined ? {} : { cipher: report.cipher.standardName ?? report.cipher.name }),
    chain: report.chain.map((c) => ({ subject: c.subject, fingerprintSha256: c.fingerprintSha256, notAfter: c.notAfter })),
    result: report.verdict.ok ? 'ok' : (report.verdict.error?.code ?? 'handshake-failure'),
    level: report.verdict.level,
    revocation: report.revocation.status,
    durationMs: Math.round(durationMs),
  };
}

export class TlsEventLog implements Disposable {
  private readonly ring: TlsEventRecord[] = [];
  private readonly emitter = new Emitter<TlsEventRecord>();
  readonly onRecord: Event<TlsEventRecord> = this.emitter.event;

  constructor(
    private readonly logger?: Logger,
    private readonly capacity = 200,
  ) {}

  record(r: TlsEventRecord): void {
    this.ring.push(r);
    if (this.ring.length > this.capacity) this.ring.shift();
    if (r.result === 'ok') this.logger?.info('tls connection verified', { ...r });
    else this.logger?.warn('tls connection failed', { ...r });
    this.emitter.fire(r);
  }

  records(): readonly TlsEventRecord[] {
    return this.ring.slice();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
