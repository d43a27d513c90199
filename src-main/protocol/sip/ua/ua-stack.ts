/**
 * The per-account SIP core shared by registration, calls and subscriptions: identity, the
 * transaction layer, digest authentication, and the factories for Via, Contact and tags
 * (RFC 3261 §8.1.1). Pure: the transport, clock and randomness come in.
 */
import type { Rng } from '../../../base/rng.js';
import { randomToken } from '../../../base/rng.js';
import type { DigestClient } from '../auth/digest-client.js';
import type { SipRequest } from '../message/message.js';
import type { NameAddr } from '../message/name-addr.js';
import type { SipParam } from '../message/parameters.js';
import { sipUri, type SipUri } from '../message/uri.js';
import { createVia, type Via } from '../message/via.js';
import { generateBranch } from '../transaction/transaction-key.js';
import type { TransactionLayer } from '../transaction/transaction-layer.js';
import type { EndpointProvider, LocalEndpoint } from './local-endpoint.js';
import { sendRequest, type RequestHandlers, type SentRequest } from './request-sender.js';

export interface UaIdentity {
  /** Address of record. */
  readonly aor: SipUri;
  readonly displayName?: string;
  /** RFC 5626 §4.1 instance id: `urn:uuid:…`, persistent per installation. */
  readonly instanceId: string;
}

export const ALLOWED_METHODS = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE, MESSAGE';

export class UaStack {
  /** From tag of our REGISTERs (stable per registration). */
  readonly registrationTag: string;
  readonly allow = ALLOWED_METHODS;

  constructor(
    readonly identity: UaIdentity,
    readonly transactions: TransactionLayer,
    readonly digest: DigestClient,
    private readonly endpoint: EndpointProvider,
    readonly rng: Rng,
    readonly userAgent: string,
  ) {
    this.registrationTag = this.newTag();
  }

  get reliable(): boolean {
    return this.transactions.transport.reliable;
  }

  get local(): LocalEndpoint | undefined {
    return this.endpoint();
  }

  newTag(): string {
    return randomToken(this.rng, 8);
  }

  newCallId(): string {
    return randomToken(this.rng, 18);
  }

  /** A top Via with a fresh branch and rport (RFC 3581), for the current flow. */
  via(): Via {
    const ep = this.endpoint();
    return createVia({
      transport: ep?.transport ?? 'TLS',
      host: ep === undefined ? 'invalid.invalid' : bracket(ep.viaHost),
      ...(ep === undefined ? {} : { port: ep.viaPort }),
      branch: generateBranch(this.rng),
      rport: true,
    });
  }

  /**
   * Our Contact (§8.1.1.8): the public address when known, `transport=tls|tcp` on stream
   * transports, sips: when the AOR is sips: (§19.1), and for registrations the RFC 5626
   * `+sip.instance` and `reg-id` so the registrar can tell our flows apart.
   */
  contact(forRegister = false): NameAddr {
    const ep = this.endpoint();
    const transport = ep?.transport ?? 'TLS';
    const sips = this.identity.aor.scheme === 'sips';
    const uriParams: SipParam[] = [];
    if (!sips && transport !== 'UDP') uriParams.push({ name: 'transport', value: transport.toLowerCase() });
    if (sips && transport === 'TCP') uriParams.push({ name: 'transport', value: 'tcp' });
    if (forRegister) uriParams.push({ name: 'ob', value: null });
    const uri = sipUri({
      scheme: sips ? 'sips' : 'sip',
      ...(this.identity.aor.user === undefined ? {} : { user: this.identity.aor.user }),
      host: bracket(ep?.contactHost ?? 'invalid.invalid'),
      ...(ep === undefined ? {} : { port: ep.contactPort }),
      params: uriParams,
    });
    const params: SipParam[] = forRegister
      ? [
          { name: '+sip.instance', value: `"<${this.identity.instanceId}>"` },
          { name: 'reg-id', value: '1' },
        ]
      : [];
    return { displayName: undefined, uri, params };
  }

  /** Our From (§8.1.1.3) with a tag. */
  fromAddress(tag: string): NameAddr {
    return { displayName: this.identity.displayName, uri: this.identity.aor, params: [{ name: 'tag', value: tag }] };
  }

  /** Sends a request with authentication retries to the current flow/server. */
  send(build: () => SipRequest, handlers: RequestHandlers): SentRequest | undefined {
    return sendRequest(this.transactions, this.digest, build, () => this.endpoint()?.destination, handlers);
  }
}

function bracket(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
