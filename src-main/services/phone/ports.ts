/**
 * What the phone service needs from the platform, declared here and implemented in
 * src-main/platform/net/account-connection.ts (DESIGN.md: services see platform through types).
 */
import type { Disposable } from '../../base/disposable.js';
import type { Event } from '../../base/event.js';
import type { Result } from '../../base/result.js';
import type { SipMessage } from '../../protocol/sip/message/message.js';
import type { TransportAddress, TransportPort } from '../../protocol/sip/transaction/transport-port.js';
import type { LocalEndpoint } from '../../protocol/sip/ua/local-endpoint.js';
import type { AccountConfig } from '../../../src-shared/model/account.js';
import type { CertificateReport } from '../../platform/tls/certificate-report.js';

export type ConnectionState =
  | { readonly kind: 'connecting'; readonly detail: string }
  | {
      readonly kind: 'connected';
      readonly transport: 'tls' | 'tcp' | 'udp';
      readonly remote: string;
      /** Whether SDES keys may travel on this hop (verified TLS only). */
      readonly sdesAllowed: boolean;
      readonly warning?: string;
      /** Servers tried before this one and why they were skipped. */
      readonly skipped: readonly string[];
    }
  | { readonly kind: 'failed'; readonly code: string; readonly message: string; readonly hint?: string; readonly retryInMs?: number; readonly lost: boolean; readonly skipped: readonly string[] }
  | { readonly kind: 'stopped' };

export interface SipConnection extends Disposable {
  /** The transaction layer's port (reliable for TLS/TCP flows, unreliable for UDP). */
  readonly transport: TransportPort;
  /** Feeds parsed inbound messages to the transaction layer. */
  connect(sink: { receive(message: SipMessage, source: TransportAddress): void }): Disposable;
  /** Where we are (Via, Contact) and where requests go; undefined while not connected. */
  endpoint(): LocalEndpoint | undefined;
  readonly state: ConnectionState;
  readonly onState: Event<ConnectionState>;
  /** The public address the server sees changed (NAT rebinding): time to re-register. */
  readonly onBindingChanged: Event<void>;
  start(): void;
  stop(): void;
  /** Skip any backoff wait (network change, resume from sleep). */
  reconnectNow(): void;
  setServerFlowTimer(seconds: number): void;
  certificateReport(): CertificateReport | undefined;
}

export interface ConnectionError {
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

export interface SipConnectionFactory {
  create(accountId: string, account: AccountConfig): Promise<Result<SipConnection, ConnectionError>>;
}

/** Where call history is kept. */
export interface HistoryStore {
  load(): Promise<unknown>;
  save(entries: unknown): Promise<void>;
}
