/**
 * What the user agent knows about where it sits on the network, provided by the services from
 * the current flow or socket (RFC 3261 §18, RFC 3581, RFC 5626): the Via sent-by, the address to
 * put in Contact (public address learned from `received`/`rport` when behind NAT), and where
 * out-of-dialog requests go (the flow's server, or the resolved registrar/outbound proxy for UDP).
 */
import type { TransportAddress, TransportProtocol } from '../transaction/transport-port.js';

export interface LocalEndpoint {
  readonly transport: Exclude<TransportProtocol, 'WS' | 'WSS'>;
  /** Via sent-by: the socket's local address and port. */
  readonly viaHost: string;
  readonly viaPort: number;
  /** Contact address: the public binding when known (RFC 3581), else the local one. */
  readonly contactHost: string;
  readonly contactPort: number;
  /** Where requests outside a dialog are sent (the flow's peer for TLS/TCP). */
  readonly destination: TransportAddress;
}

/** Supplies the current endpoint; undefined while no flow is up (requests then fail as transport errors). */
export type EndpointProvider = () => LocalEndpoint | undefined;

/** Brackets an IPv6 literal for use in a URI or Via host. */
export function uriHost(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}
