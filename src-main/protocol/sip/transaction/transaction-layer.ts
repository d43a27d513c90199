/**
 * The transaction layer (RFC 3261 §17): creates client transactions for the TU's requests, matches
 * incoming responses (§17.1.3) and requests (§17.2.3, with RFC 2543 fallback) to transactions,
 * creates server transactions for new requests, and hands the rest to the TU:
 *  - ACKs that match no INVITE server transaction (ACK for 2xx, §17.2.3 / §13.3.1.4);
 *  - responses that match no client transaction (2xx retransmissions after the INVITE transaction
 *    ended, forked 2xx: the dialog layer must ACK them, §13.2.2.4);
 *  - CANCEL with the INVITE server transaction it targets (§9.2); a CANCEL that targets nothing is
 *    answered 481 here;
 *  - merged requests (§8.2.2.2) are answered 482 here.
 * Responses with more than one Via are discarded (§8.1.3.3). Incoming requests get `received` and
 * `rport` stamped on their top Via (§18.2.1, RFC 3581 §4).
 *
 * What a peer can make us hold is bounded: at most `maxServerTransactions` server transactions
 * live at once; a new request beyond that is answered 503 with Retry-After, statelessly (no
 * transaction, no timer), and forgotten. Every map is keyed, so finding and forgetting a
 * transaction is O(1) however many are live.
 */
import type { Clock } from '../../../base/clock.js';
import type { Disposable } from '../../../base/disposable.js';
import { Emitter, type Event } from '../../../base/event.js';
import { nullLogger, type Logger } from '../../../base/logger.js';
import { createResponse } from '../message/builders.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/message.js';
import { tagOf } from '../message/name-addr.js';
import { createCancel } from './cancel-and-ack.js';
import type { ClientTransactionUser } from './client-transaction-user.js';
import { InviteClientTransaction } from './invite-client-transaction.js';
import { InviteServerTransaction } from './invite-server-transaction.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';
import { responseDestination, stampTopVia } from './response-destination.js';
import { timerValues, type TimerValues } from './timer-values.js';
import type { TransactionContext } from './transaction-base.js';
import { clientKey, clientKeyOfResponse, legacyServerKey, mergeKey, serverKey } from './transaction-key.js';
import type { TransportAddress, TransportPort } from './transport-port.js';

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

export interface IncomingRequest {
  readonly request: SipRequest;
  readonly transaction: ServerTransaction;
  readonly source: TransportAddress;
  /** For CANCEL: the INVITE server transaction it cancels (the TU answers 200 and the INVITE 487, §9.2). */
  readonly cancels?: InviteServerTransaction;
}

export interface IncomingAck {
  readonly ack: SipRequest;
  readonly source: TransportAddress;
}

export interface StrayResponse {
  readonly response: SipResponse;
  readonly source: TransportAddress;
}

export interface TransactionLayerOptions {
  readonly transport: TransportPort;
  readonly clock: Clock;
  readonly timers?: Partial<TimerValues>;
  readonly logger?: Logger;
  /** The most server transactions alive at once (default DEFAULT_MAX_SERVER_TRANSACTIONS). */
  readonly maxServerTransactions?: number;
}

/**
 * A user agent has a handful of server transactions at a time (each lives at most 64·T1 = 32 s);
 * thousands means a flood. Beyond this, new requests get 503 (RFC 3261 §21.5.4).
 */
export const DEFAULT_MAX_SERVER_TRANSACTIONS = 4096;

/** The Retry-After (seconds) of the 503 a request gets when the server transactions are full. */
export const OVERLOAD_RETRY_AFTER_S = 32;

export class TransactionLayer implements Disposable {
  private readonly ctx: TransactionContext;
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  /** Server transactions found by RFC 2543 rules. */
  private readonly legacy = new Map<string, ServerTransaction>();
  private readonly merge = new Map<string, ServerTransaction>();
  /** The merge key each server transaction holds, so forgetting it is O(1). */
  private readonly mergeKeyOf = new Map<ServerTransaction, string>();
  private readonly maxServers: number;
  private overloaded = 0;
  private readonly requestEmitter = new Emitter<IncomingRequest>();
  private readonly ackEmitter = new Emitter<IncomingAck>();
  private readonly strayEmitter = new Emitter<StrayResponse>();
  private disposed = false;

  /** A new request with its server transaction (ACK excepted). */
  readonly onRequest: Event<IncomingRequest> = this.requestEmitter.event;
  /** An ACK that matched no INVITE server transaction: the ACK for a 2xx. */
  readonly onAck: Event<IncomingAck> = this.ackEmitter.event;
  /** A response that matched no client transaction. */
  readonly onStrayResponse: Event<StrayResponse> = this.strayEmitter.event;

  constructor(options: TransactionLayerOptions) {
    const logger = (options.logger ?? nullLogger).child('sip.transaction');
    this.ctx = {
      transport: options.transport,
      clock: options.clock,
      timers: timerValues(options.timers),
      logger,
      terminated: (id) => this.forget(id),
    };
    this.maxServers = Math.max(1, options.maxServerTransactions ?? DEFAULT_MAX_SERVER_TRANSACTIONS);
  }

  get transport(): TransportPort {
    return this.ctx.transport;
  }

  /** Requests refused with 503 because the server transactions were full (diagnostics, tests). */
  get overloadRefusals(): number {
    return this.overloaded;
  }

  /** Number of live transactions (leak checks). */
  get size(): number {
    return this.clients.size + this.servers.size + this.legacy.size;
  }

  /**
   * Starts a client transaction for `request` (its top Via must carry a fresh RFC 3261 branch, see
   * generateBranch). ACK is not a transaction: send ACKs for 2xx with `sendAck`.
   */
  sendRequest(request: SipRequest, destination: TransportAddress, user: ClientTransactionUser): ClientTransaction {
    if (this.disposed) throw new Error('transaction layer disposed');
    const branch = request.headers.topVia()?.branch;
    if (branch === undefined) throw new Error('request without a Via branch');
    if (request.method === 'ACK') throw new Error('ACK is not sent in a transaction; use sendAck');
    const id = clientKey(branch, request.method);
    if (this.clients.has(id)) throw new Error(`client transaction ${request.method} ${branch} exists`);
    const tx =
      request.method === 'INVITE'
        ? new InviteClientTransaction(id, this.ctx, request, destination, user)
        : new NonInviteClientTransaction(id, this.ctx, request, destination, user);
    this.clients.set(id, tx);
    tx.start();
    return tx;
  }

  /** Sends an ACK for a 2xx (or any stateless message) straight to the transport (§13.2.2.4, §17.1.1.3). */
  sendAck(ack: SipRequest, destination: TransportAddress): boolean {
    return this.ctx.transport.send(ack, destination);
  }

  /**
   * Cancels an INVITE client transaction (§9.1): sends CANCEL now if a provisional response arrived,
   * else once one arrives; nothing when a final response came already. Returns the CANCEL's
   * transaction when sent at once.
   */
  cancel(invite: InviteClientTransaction, user: ClientTransactionUser = { receiveResponse: () => undefined }): ClientTransaction | undefined {
    if (invite.state === 'Proceeding') return this.sendRequest(createCancel(invite.request), invite.destination, user);
    if (invite.state !== 'Calling') return undefined;
    const sub = invite.onStateChange((change) => {
      if (change.to === 'Proceeding') {
        sub.dispose();
        this.sendRequest(createCancel(invite.request), invite.destination, user);
      } else if (change.to !== 'Calling') sub.dispose();
    });
    return undefined;
  }

  /** Everything the transport received (already parsed) goes here. */
  receive(message: SipMessage, source: TransportAddress): void {
    if (this.disposed) return;
    if (message.kind === 'response') this.receiveResponse(message, source);
    else this.receiveRequest(message, source);
  }

  private receiveResponse(response: SipResponse, source: TransportAddress): void {
    if (response.headers.via().length !== 1) {
      this.ctx.logger.info('response with more than one Via discarded', { status: response.status }); // §8.1.3.3
      return;
    }
    const key = clientKeyOfResponse(response);
    const tx = key === undefined ? undefined : this.clients.get(key);
    if (tx !== undefined) tx.receiveResponse(response);
    else this.strayEmitter.fire({ response, source });
  }

  private receiveRequest(request: SipRequest, source: TransportAddress): void {
    stampTopVia(request, source);
    const existing = this.findServer(request);
    if (request.method === 'ACK') {
      if (existing instanceof InviteServerTransaction) existing.receiveAck(request);
      else this.ackEmitter.fire({ ack: request, source });
      return;
    }
    if (existing !== undefined) {
      existing.receiveRequest(request); // retransmission: absorbed or answered again
      return;
    }
    if (this.servers.size + this.legacy.size >= this.maxServers) {
      this.refuseOverload(request, source);
      return;
    }
    const tx = this.createServer(request, source);
    if (request.method === 'CANCEL') {
      const target = this.findServer(request, 'INVITE');
      if (!(target instanceof InviteServerTransaction)) {
        tx.respond(createResponse(request, 481, undefined, { toTag: this.toTagFor(request) }));
        return;
      }
      this.requestEmitter.fire({ request, transaction: tx, source, cancels: target });
      return;
    }
    const merged = mergeKey(request);
    if (merged !== undefined) {
      const other = this.merge.get(merged);
      if (other !== undefined && other !== tx) {
        tx.respond(createResponse(request, 482, undefined, { toTag: this.toTagFor(request) }));
        return;
      }
      this.merge.set(merged, tx);
      this.mergeKeyOf.set(tx, merged);
    }
    this.requestEmitter.fire({ request, transaction: tx, source });
  }

  /** §21.5.4: 503 with Retry-After, sent without a transaction (nothing is kept for the request). */
  private refuseOverload(request: SipRequest, source: TransportAddress): void {
    this.overloaded++;
    if (this.overloaded === 1 || this.overloaded % 1000 === 0) this.ctx.logger.warn('server transactions full: 503', { method: request.method, refused: this.overloaded, limit: this.maxServers });
    const topVia = request.headers.topVia();
    if (topVia === undefined) return;
    const response = createResponse(request, 503, 'Service Unavailable', { toTag: this.toTagFor(request), headers: [['Retry-After', String(OVERLOAD_RETRY_AFTER_S)]] });
    this.ctx.transport.send(response, responseDestination(topVia, source, this.ctx.transport.reliable));
  }

  private toTagFor(request: SipRequest): string {
    // A deterministic tag for stateless-style answers (481, 482): derived from the branch.
    const branch = request.headers.topVia()?.branch ?? 'x';
    return `t${branch.slice(-10).replace(/[^A-Za-z0-9]/g, '')}`;
  }

  private findServer(request: SipRequest, method?: string): ServerTransaction | undefined {
    const key = serverKey(request, method);
    if (key !== undefined) return this.servers.get(key);
    const tx = this.legacy.get(legacyServerKey(request, method));
    if (tx === undefined) return undefined;
    // RFC 2543 ACK matching also needs the To tag of the response the transaction sent.
    if (request.method === 'ACK' && tx instanceof InviteServerTransaction) {
      const sent = tx.response?.headers.to();
      const got = request.headers.to();
      if (sent !== undefined && got !== undefined && tagOf(sent) !== tagOf(got)) return undefined;
    }
    return tx;
  }

  private createServer(request: SipRequest, source: TransportAddress): ServerTransaction {
    const key = serverKey(request);
    const id = key ?? `2543\u0000${legacyServerKey(request)}`;
    const topVia = request.headers.topVia()!;
    const destination = responseDestination(topVia, source, this.ctx.transport.reliable);
    const tx =
      request.method === 'INVITE'
        ? new InviteServerTransaction(id, this.ctx, request, destination)
        : new NonInviteServerTransaction(id, this.ctx, request, destination);
    if (key !== undefined) this.servers.set(key, tx);
    else this.legacy.set(legacyServerKey(request), tx);
    return tx;
  }

  private forget(id: string): void {
    this.clients.delete(id);
    const server = this.servers.get(id) ?? (id.startsWith('2543\u0000') ? this.legacy.get(id.slice(5)) : undefined);
    this.servers.delete(id);
    if (id.startsWith('2543\u0000')) this.legacy.delete(id.slice(5));
    if (server !== undefined) {
      const merged = this.mergeKeyOf.get(server);
      this.mergeKeyOf.delete(server);
      if (merged !== undefined && this.merge.get(merged) === server) this.merge.delete(merged);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const tx of [...this.clients.values(), ...this.servers.values(), ...this.legacy.values()]) tx.dispose();
    this.clients.clear();
    this.servers.clear();
    this.legacy.clear();
    this.merge.clear();
    this.mergeKeyOf.clear();
    this.requestEmitter.dispose();
    this.ackEmitter.dispose();
    this.strayEmitter.dispose();
  }
}
