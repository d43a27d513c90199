/**
 * The certificate panel's inspector (services/certificates/ports.ts): TLS handshakes with the same
 * verification as the SIP flows, one per address, so that the seed's multi-IP / GeoDNS case (one
 * server of several with an expired certificate) shows address by address. For an account, the
 * addresses are what RFC 3263 locates for it (each SRV target's A/AAAA); for any host, its
 * A/AAAA records (`openssl s_client -connect IP:5061 -servername DOMAIN`, for every IP).
 */
import type { Clock } from '../../base/clock.js';
import { err, ok, type Result } from '../../base/result.js';
import type { AccountConfig } from '../../../src-shared/model/account.js';
import type { AccountInspection, AddressInspection, CertificateInspector, InspectRequest } from '../../services/certificates/ports.js';
import type { ConnectionError } from '../../services/phone/ports.js';
import type { TlsConnector } from '../tls/tls-connector.js';
import { tlsError, type TlsError } from '../tls/tls-error.js';
import { resolveTlsSettings, type EffectiveTlsSettings } from '../tls/tls-settings.js';
import type { TrustStore } from '../tls/trust-store.js';
import { locateRequestFor, tlsSettingsFor } from './account-connection.js';
import type { DnsPort } from './dns-port.js';
import type { SipServerLocator } from './rfc3263-resolver.js';
import { ipFamily } from './sip-hop.js';

export interface CertificateInspectorDeps {
  readonly clock: Clock;
  readonly dns: DnsPort;
  readonly locator: SipServerLocator;
  readonly tls: TlsConnector;
  readonly trustStore: TrustStore;
  readonly timeoutMs?: number;
}

export class TlsCertificateInspector implements CertificateInspector {
  constructor(private readonly deps: CertificateInspectorDeps) {}

  async inspect(req: InspectRequest): Promise<Result<readonly AddressInspection[], ConnectionError>> {
    const settings = resolveTlsSettings({
      verification: req.mode,
      pins: [...req.pins],
      minVersion: 'TLSv1.2',
      ocsp: 'soft-fail',
      trust: { system: true, bundled: true, customCaPems: [...req.caPems] },
    });
    if (!settings.ok) return err(settings.error);
    const addresses = await resolveAddresses(this.deps.dns, req.host);
    if (!addresses.ok) return addresses;
    const chosen = req.allAddresses ? addresses.value : addresses.value.slice(0, 1);
    const out: AddressInspection[] = [];
    for (const address of chosen) out.push(await this.handshake(address, req.port, req.servername, settings.value));
    return ok(out);
  }

  async inspectAccount(account: AccountConfig): Promise<Result<AccountInspection, ConnectionError>> {
    const hop = locateRequestFor(account);
    if (!hop.ok) return hop;
    const settings = await tlsSettingsFor(account, this.deps.clock.now());
    if (!settings.ok) return settings;
    const located = await this.deps.locator.locate({ ...hop.value, supported: ['tls'] });
    if (!located.ok) return err(located.error);
    const targets = located.value.targets.filter((t) => t.transport === 'tls');
    if (targets.length === 0) return err(tlsError('no-targets', { reason: 'no TLS server for the domain' }));
    const out: AddressInspection[] = [];
    for (const t of targets) out.push(await this.handshake(t.address, t.port, t.identity, settings.value));
    const first = targets[0]!;
    return ok({ host: hop.value.outboundProxy?.host ?? hop.value.host, port: first.port, servername: first.identity, mode: account.tls.verify, addresses: out });
  }

  private async handshake(address: string, port: number, domain: string, settings: EffectiveTlsSettings): Promise<AddressInspection> {
    const anchors = this.deps.trustStore.anchorsFor(settings.trust);
    const r = await this.deps.tls.connect({ address, port, domain, settings, anchors, timeoutMs: this.deps.timeoutMs ?? 10_000 });
    if (r.ok) {
      const report = r.value.report;
      r.value.dispose();
      return { address, port, ok: true, report };
    }
    return { address, port, ok: false, error: r.error.error, report: r.error.report };
  }
}

/** Every A and AAAA address of `host` (an IP literal is itself), or why there is none. */
export async function resolveAddresses(dns: DnsPort, host: string): Promise<Result<string[], TlsError>> {
  if (ipFamily(host) !== undefined) return ok([host]);
  const [a, aaaa] = await Promise.all([dns.resolve4(host), dns.resolve6(host)]);
  const addresses = [...(a.ok ? a.value : []), ...(aaaa.ok ? aaaa.value : [])];
  if (addresses.length === 0) return err(tlsError('dns-failure', { host, result: [a, aaaa].map((r) => (r.ok ? 'none' : r.error.code)).join('/') }));
  return ok(addresses);
}
