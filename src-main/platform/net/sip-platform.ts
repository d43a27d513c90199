/**
 * The network adapters the phone needs, built the same way by every composition root (the
 * Electron app, the headless CLI, the web face): RFC 3263 DNS, TLS with its event log and trust
 * store, TCP, the account connection factory, the certificate inspector, and UDP sockets for RTP.
 */
import type { Clock } from '../../base/clock.js';
import type { Logger } from '../../base/logger.js';
import type { Rng } from '../../base/rng.js';
import { TlsEventLog } from '../tls/tls-event-log.js';
import { NodeTlsConnector } from '../tls/tls-connector.js';
import { TrustStore } from '../tls/trust-store.js';
import { AccountConnectionFactory } from './account-connection.js';
import { TlsCertificateInspector } from './certificate-inspector.js';
import { NodeDnsPort } from './dns-port.js';
import { Rfc3263Resolver } from './rfc3263-resolver.js';
import { NodeRtpSocketFactory } from './rtp-socket.js';
import { NodeTcpConnector } from './tcp-connector.js';

export interface SipPlatform {
  readonly connections: AccountConnectionFactory;
  readonly rtpSockets: NodeRtpSocketFactory;
  readonly certificates: TlsCertificateInspector;
  readonly tlsEvents: TlsEventLog;
  readonly trustStore: TrustStore;
}

export function createSipPlatform(deps: { readonly clock: Clock; readonly rng: Rng; readonly logger: Logger; readonly dnsServers?: readonly string[] }): SipPlatform {
  const { clock, rng, logger } = deps;
  const tlsEvents = new TlsEventLog(logger.child('tls'));
  const trustStore = new TrustStore();
  const dns = new NodeDnsPort(deps.dnsServers === undefined ? {} : { servers: deps.dnsServers });
  const locator = new Rfc3263Resolver(dns, rng);
  const tls = new NodeTlsConnector({ clock, eventLog: tlsEvents });
  const connections = new AccountConnectionFactory({ clock, rng, logger, locator, tls, tcp: new NodeTcpConnector({ clock }), trustStore });
  const certificates = new TlsCertificateInspector({ clock, dns, locator, tls, trustStore });
  return { connections, rtpSockets: new NodeRtpSocketFactory(), certificates, tlsEvents, trustStore };
}
