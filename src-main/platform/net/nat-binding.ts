/**
 * Via transport tokens and the NAT binding learned from responses.
 *
 *  - RFC 3261 §18.2.1/§20.42: Via `SIP/2.0/TLS`, `/TCP`, `/UDP`; we always add `rport`
 *    (RFC 3581 §3) so the server answers to the source port it saw.
 *  - RFC 3581 §4 + RFC 3261 §18.2.1: the server puts `received` (source IP) and `rport` (source
 *    port) into the top Via of the response. When they differ from our local address, we are
 *    behind NAT and the Contact should carry the public address (until the registrar supports
 *    RFC 5626 outbound, where the flow itself is the route).
 *
 * The Via header text itself is the SIP message layer's; these are the values it needs.
 */
import { Emitter, type Event } from '../../base/event.js';
import type { SipTransport } from './sip-hop.js';
import { formatHostPort } from './sip-hop.js';

export function viaTransportToken(transport: SipTransport): 'UDP' | 'TCP' | 'TLS' {
  return transport === 'tls' ? 'TLS' : transport === 'tcp' ? 'TCP' : 'UDP';
}

/** `SIP/2.0/TLS host:port;rport` - the sent-protocol, sent-by and rport of our Via (branch added by the transaction). */
export function viaSentBy(transport: SipTransport, host: string, port: number): string {
  return `SIP/2.0/${viaTransportToken(transport)} ${formatHostPort(host, port)};rport`;
}

export interface NatBinding {
  readonly address: string;
  readonly port: number;
}

export interface ViaObservation {
  /** `received` parameter of the top Via in a response. */
  readonly received?: string;
  /** `rport` parameter value of the top Via in a response. */
  readonly rport?: number;
}

/** Tracks the public address/port the server sees for one flow or socket. */
export class NatBindingTracker {
  private readonly emitter = new Emitter<NatBinding>();
  /** Fires when the public binding changes (time to re-register, RFC 5626 §4.4.1 / RFC 3581). */
  readonly onChange: Event<NatBinding> = this.emitter.event;
  private binding: NatBinding;

  constructor(private readonly local: NatBinding) {
    this.binding = local;
  }

  /** The address/port to put in Contact. */
  get contact(): NatBinding {
    return this.binding;
  }

  /** Whether the server sees us at another address than our socket's (we are behind NAT). */
  get behindNat(): boolean {
    return this.binding.address !== this.local.address || this.binding.port !== this.local.port;
  }

  observe(via: ViaObservation): boolean {
    const address = via.received ?? this.binding.address;
    const port = via.rport !== undefined && via.rport > 0 && via.rport < 65536 ? via.rport : this.binding.port;
    if (address === this.binding.address && port === this.binding.port) return false;
    this.binding = { address, port };
    this.emitter.fire(this.binding);
    return true;
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
