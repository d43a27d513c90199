/** Shared setup for TLS integration tests: trust store over the test root, connector, settings. */
import { SystemClock } from '../../../../src-main/base/clock.js';
import { NodeTlsConnector, type TlsConnectRequest } from '../../../../src-main/platform/tls/tls-connector.js';
import { TlsEventLog } from '../../../../src-main/platform/tls/tls-event-log.js';
import { resolveTlsSettings, type TlsAccountSettings, type TlsPolicy } from '../../../../src-main/platform/tls/tls-settings.js';
import { TrustStore, type TrustStoreHost } from '../../../../src-main/platform/tls/trust-store.js';
import type { TestPki } from '../../../fixtures/pki/test-pki.js';

/** A trust store with no system/bundled roots: only what the test adds as custom CAs. */
export function isolatedTrustStore(): TrustStore {
  const host: TrustStoreHost = { rootCertificates: [], env: {}, platform: 'linux', readFile: () => undefined, listDir: () => [] };
  return new TrustStore(host);
}

export interface Harness {
  readonly connector: NodeTlsConnector;
  readonly eventLog: TlsEventLog;
  readonly store: TrustStore;
  request(port: number, account: TlsAccountSettings, extra?: Partial<TlsConnectRequest> & { policy?: TlsPolicy }): TlsConnectRequest;
}

export function tlsHarness(pki: TestPki): Harness {
  const clock = new SystemClock();
  const eventLog = new TlsEventLog();
  const connector = new NodeTlsConnector({ clock, eventLog });
  const store = isolatedTrustStore();
  return {
    connector,
    eventLog,
    store,
    request: (port, account, extra = {}) => {
      const { policy, ...rest } = extra;
      const withTrust: TlsAccountSettings = { trust: { system: false, bundled: false, customCaPems: [pki.rootPem] }, ...account };
      const settings = resolveTlsSettings(withTrust, policy);
      if (!settings.ok) throw new Error(`bad settings in test: ${settings.error.code}`);
      return {
        address: '127.0.0.1',
        port,
        domain: pki.domain,
        settings: settings.value,
        anchors: store.anchorsFor(settings.value.trust),
        timeoutMs: 5000,
        ...rest,
      };
    },
  };
}

export const SIP_REGISTER = Buffer.from(
  'REGISTER sips:sip.example.test SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKtest;rport\r\nMax-Forwards: 70\r\nFrom: <sips:alice@sip.example.test>;tag=1\r\nTo: <sips:alice@sip.example.test>\r\nCall-ID: test-call-id\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n',
);
