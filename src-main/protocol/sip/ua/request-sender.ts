/**
 * Sending a request with digest authentication (RFC 3261 §8.1.3.5, §22.2): the request is built by
 * a caller-supplied function so that a retry after 401/407 gets a new CSeq and branch (in a
 * dialog: the dialog's next CSeq), then authorised from the digest client's cache. The caller sees
 * provisional responses and the final response that is not a challenge we could answer.
 */
import type { SipRequest, SipResponse } from '../message/message.js';
import type { DigestClient, DigestError } from '../auth/digest-client.js';
import type { ClientTransaction, TransactionLayer } from '../transaction/transaction-layer.js';
import type { InviteClientTransaction } from '../transaction/invite-client-transaction.js';
import type { TransportAddress } from '../transaction/transport-port.js';

export type RequestOutcome =
  | { readonly kind: 'response'; readonly response: SipResponse; readonly request: SipRequest }
  /** Timer B/F: treated as 408 (§8.1.3.1). */
  | { readonly kind: 'timeout'; readonly request: SipRequest }
  /** The transport could not send: treated as 503 (§8.1.3.1). */
  | { readonly kind: 'transport-error'; readonly request: SipRequest }
  /** A 401/407 we could not answer (no credentials, refused, unsupported algorithm). */
  | { readonly kind: 'auth-failed'; readonly response: SipResponse; readonly request: SipRequest; readonly error: DigestError };

export interface RequestHandlers {
  /** Every 1xx (except that retries restart from scratch). */
  provisional?(response: SipResponse, request: SipRequest): void;
  /** The final outcome, once. 2xx retransmissions after it go to `extra2xx`. */
  final(outcome: RequestOutcome): void;
  /** Further 2xx to an INVITE (RFC 6026 §7.2: retransmissions or forks) - the TU must ACK them. */
  extra2xx?(response: SipResponse, request: SipRequest): void;
}

export interface SentRequest {
  /** The request as last sent (after any authentication retry). */
  readonly request: SipRequest;
  readonly transaction: ClientTransaction;
  /** CANCEL the INVITE (§9.1); no-op for other methods or after a final response. */
  cancel(): void;
}

/** At most this many challenges per request (a server looping 401s must not loop us). */
const MAX_CHALLENGES = 3;

export function sendRequest(
  layer: TransactionLayer,
  digest: DigestClient,
  build: () => SipRequest,
  destination: () => TransportAddress | undefined,
  handlers: RequestHandlers,
): SentRequest | undefined {
  let challenges = 0;
  let preemptive = false;
  let finished = false;
  let cancelled = false;
  const state: { request: SipRequest; transaction: ClientTransaction | undefined } = { request: build(), transaction: undefined };

  const finish = (outcome: RequestOutcome): void => {
    if (finished) return;
    finished = true;
    handlers.final(outcome);
  };

  const start = (request: SipRequest): boolean => {
    const added = digest.authorize(request);
    if (challenges === 0) preemptive = added > 0;
    state.request = request;
    const dest = destination();
    if (dest === undefined) {
      finish({ kind: 'transport-error', request });
      return false;
    }
    state.transaction = layer.sendRequest(request, dest, {
      receiveResponse: (response) => {
        if (state.request !== request) return;
        if (response.status < 200) {
          if (!finished) handlers.provisional?.(response, request);
          return;
        }
        if (finished) {
          if (response.status < 300) handlers.extra2xx?.(response, request);
          return;
        }
        if ((response.status === 401 || response.status === 407) && !cancelled) {
          // Credentials sent from the cache (§22.3) may carry a nonce the server no longer knows
          // (it restarted): the first challenge to such a request is a fresh one, not a refusal.
          const learned = digest.handleChallenge(response, challenges === 0 && preemptive ? undefined : request);
          if (!learned.ok) {
            finish({ kind: 'auth-failed', response, request, error: learned.error });
            return;
          }
          if (++challenges > MAX_CHALLENGES) {
            finish({ kind: 'auth-failed', response, request, error: { code: 'credentials-rejected', message: 'the server keeps challenging' } });
            return;
          }
          start(build());
          return;
        }
        finish({ kind: 'response', response, request });
      },
      timeout: () => {
        if (state.request === request) finish({ kind: 'timeout', request });
      },
      transportError: () => {
        if (state.request === request) finish({ kind: 'transport-error', request });
      },
    });
    return true;
  };

  if (!start(state.request)) return undefined;
  return {
    get request() {
      return state.request;
    },
    get transaction() {
      return state.transaction!;
    },
    cancel() {
      cancelled = true;
      const tx = state.transaction;
      if (tx === undefined || finished || tx.kind !== 'invite-client') return;
      layer.cancel(tx as InviteClientTransaction);
    },
  };
}

/** The status a non-response outcome stands for (§8.1.3.1): 408 for timeouts, 503 for transport errors. */
export function outcomeStatus(outcome: RequestOutcome): number {
  switch (outcome.kind) {
    case 'response':
    case 'auth-failed':
      return outcome.response.status;
    case 'timeout':
      return 408;
    case 'transport-error':
      return 503;
  }
}
