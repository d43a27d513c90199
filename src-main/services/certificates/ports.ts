/**
 * What the certificate panel needs from the platform: TLS handshakes to any server, one per
 * address (implemented by platform/tls/certificate-inspector.ts with the same verification as
 * the SIP flows).
 */
import type { Result } from '../../base/result.js';
import type { AccountConfig } from '../../../src-shared/model/account.js';
import type { CertificateReport } from '../../platform/tls/certificate-report.js';
import type { ConnectionError, ConnectionErrorCode } from '../phone/ports.js';

export interface InspectRequest {
  readonly host: string;
  readonly port: number;
  /** SNI and the name the certificate is checked against. */
  readonly servername: string;
  readonly caPems: readonly string[];
  readonly mode: 'full' | 'chain-only' | 'pinned';
  readonly pins: readonly string[];
  /** Every A/AAAA address behind the name, or just the first. */
  readonly allAddresses: boolean;
}

export interface AddressInspection {
  readonly address: string;
  readonly port: number;
  readonly ok: boolean;
  readonly error?: { readonly code: ConnectionErrorCode; readonly detail?: Readonly<Record<string, unknown>> };
  readonly report?: CertificateReport;
}

export interface AccountInspection {
  readonly host: string;
  readonly port: number;
  readonly servername: string;
  readonly mode: AccountConfig['tls']['verify'];
  readonly addresses: readonly AddressInspection[];
}

export interface CertificateInspector {
  inspect(request: InspectRequest): Promise<Result<readonly AddressInspection[], ConnectionError>>;
  /** Every address behind the account's server (RFC 3263: each SRV target's A/AAAA) with the account's TLS settings. */
  inspectAccount(account: AccountConfig): Promise<Result<AccountInspection, ConnectionError>>;
}
