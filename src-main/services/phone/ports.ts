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
import type { TlsErrorCode } from '../../platform/tls/tls-error.js';

/**
 * Why an account cannot connect: the TLS/connection codes, and local configuration problems.
 * Every one of them is a code of the closed list in src-shared/ipc/errors.ts (checked below).
 */
export type ConnectionErrorCode = TlsErrorCode | 'invalid-account' | 'ca-file-unreadable' | 'client-cert-unreadable';

/** A server tried and passed over (the GeoDNS case: one of several addresses fails). */
export interface SkippedServer {
  readonly transport: 'tls' | 'tcp' | 'udp';
  readonly address: string;
  readonly port: number;
  /** The name it was found under (SRV target or the domain). */
  readonly hostname: string;
  readonly code: ConnectionErrorCode;
}

export type ConnectionState =
  | { readonly kind: 'connecting'; readonly phase: 'resolving' }
  | {
      readonly kind: 'connecting';
      readonly phase: 'connecting';
      readonly address: string;
      readonly port: number;
      readonly index: number;
      readonly of: number;
      /** What DNS was asked and answered, and the targets in order (RFC 3263), in words. */
      readonly dns?: readonly string[];
    }
  | {
      readonly kind: 'connected';
      readonly transport: 'tls' | 'tcp' | 'udp';
      readonly remote: string;
      /** Whether SDES keys may travel on this hop (verified TLS only). */
      readonly sdesAllowed: boolean;
      /** The hop is less than fully secure: chain-only TLS, or plain TCP/UDP. */
      readonly weakness?: 'chain-only' | 'plaintext' | 'unverified';
      /** Servers tried before this one and why they were skipped. */
      readonly skipped: readonly SkippedServer[];
    }
  | {
      readonly kind: 'failed';
      readonly code: ConnectionErrorCode;
      /** Public context for the words (the server, the file, the cause). */
      readonly detail?: Readonly<Record<string, unknown>>;
      readonly retryInMs?: number;
      readonly lost: boolean;
      readonly skipped: readonly SkippedServer[];
    }
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
  readonly code: ConnectionErrorCode;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface SipConnectionFactory {
  create(accountId: string, account: AccountConfig): Promise<Result<SipConnection, ConnectionError>>;
}

/** Where call history is kept. */
export interface HistoryStore {
  load(): Promise<unknown>;
  save(entries: unknown): Promise<void>;
}
