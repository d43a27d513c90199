/**
 * Registration of one account binding, RFC 3261 §10.2 with RFC 5626 (outbound) and RFC 3327 ideas:
 *
 *   unregistered ─register()→ registering ─2xx→ registered ─(refresh timer)→ registering …
 *        ▲                        │  └─401/407→ (retry authorised, same state)
 *        │                        │  └─423→ (retry with Min-Expires, §10.2.8)
 *        │                        └─failure→ failed ─(retry timer, backoff)→ registering
 *        └──────────── unregistering ←─unregister()── registered/registering/failed
 *
 * Refresh happens before the granted expiry (§10.2.1: the server may shorten it). A transport
 * that comes back (flow recovered, network changed) triggers an immediate re-registration
 * (RFC 5626 §4.2.2) instead of waiting for the refresh timer.
 */
import type { Clock } from '../../../base/clock.js';
import type { Disposable } from '../../../base/disposable.js';
import { Emitter, type Event } from '../../../base/event.js';
import type { Logger } from '../../../base/logger.js';
import type { Rng } from '../../../base/rng.js';
import { createRequest } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { NameAddr } from '../message/name-addr.js';
import { getParam } from '../message/parameters.js';
import { formatUri, type SipUri } from '../message/uri.js';
import type { UaStack } from './ua-stack.js';
import { boundedPeerText } from './peer-text.js';
import { outcomeStatus, type RequestOutcome, type SentRequest } from './request-sender.js';
import { boundedFlowTimer, boundedRegistration, MAX_INTERVAL_RETRIES, parseDeltaSecondsSaturating, registrationRefreshMs, retryAfterMs } from './peer-durations.js';

export type RegistrationFailureCode =
  | 'auth-failed'
  | 'forbidden'
  | 'timeout'
  | 'transport'
  | 'interval-too-brief'
  | 'rejected'
  | 'server-error';

export type RegistrationState =
  | { readonly kind: 'unregistered' }
  | { readonly kind: 'registering'; readonly refresh: boolean }
  | { readonly kind: 'registered'; readonly expires: number; readonly contact: string; readonly registeredAt: number }
  | {
      readonly kind: 'failed';
      readonly code: RegistrationFailureCode;
      /** The response's status, or 408/503 for a timeout or no connection (§8.1.3.1). */
      readonly status: number;
      /** The registrar's reason phrase, verbatim (wire data), when there was a response. */
      readonly reasonPhrase?: string;
      readonly retryInMs: number | null;
      /** DigestError.code when the credentials were refused. */
      readonly digestCode?: string;
    }
  | { readonly kind: 'unregistering' };

/** What a failure says, before the retry is scheduled. */
type Failure = Omit<Extract<RegistrationState, { kind: 'failed' }>, 'kind' | 'retryInMs'>;

export interface RegistrationOptions {
  readonly expires: number;
  /** Retry backoff after failures (RFC 5626 §4.5 style: base * 2^n, capped, with jitter). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
}

export class RegistrationClient implements Disposable {
  private current: RegistrationState = { kind: 'unregistered' };
  private readonly stateEmitter = new Emitter<RegistrationState>();
  readonly onState: Event<RegistrationState> = this.stateEmitter.event;
  private readonly callId: string;
  private cseq: number;
  private expires: number;
  private timer: Disposable | undefined;
  private pending: SentRequest | undefined;
  private failures = 0;
  /** 423 retries in a row (bounded: a registrar raising Min-Expires each time cannot loop us). */
  private intervalRetries = 0;
  private wanted = false;
  private unregisterWaiters: (() => void)[] = [];
  /** Flow-Timer from the last 2xx (RFC 5626 §5.3), for the transport's keep-alive. */
  flowTimer: number | undefined;

  constructor(
    private readonly stack: UaStack,
    private readonly options: RegistrationOptions,
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly logger: Logger,
  ) {
    this.callId = stack.newCallId();
    this.cseq = 1 + (rng.uint32() % 10000);
    this.expires = options.expires;
  }

  get state(): RegistrationState {
    return this.current;
  }

  /** Registers now (and keeps the registration refreshed). */
  register(): void {
    this.wanted = true;
    this.send(false);
  }

  /**
   * The transport came back or the network changed: register again at once (RFC 5626 §4.2.2),
   * unless a REGISTER is already on its way.
   */
  transportRestored(): void {
    if (!this.wanted) return;
    if (this.current.kind === 'registering' && this.pending !== undefined) return;
    this.logger.info('transport restored: registering again now');
    this.failures = 0;
    this.send(this.current.kind === 'registered');
  }

  /** The transport is gone: the binding is unusable until it is back. */
  transportLost(): void {
    if (!this.wanted || this.current.kind === 'unregistered' || this.current.kind === 'unregistering') return;
    this.pending = undefined;
    this.clearTimer();
    this.setState({ kind: 'failed', code: 'transport', status: 503, retryInMs: null });
  }

  /** Removes the binding (Expires: 0). Resolves when the server answered or gave up. */
  unregister(): Promise<void> {
    this.wanted = false;
    this.clearTimer();
    const wasBound = this.current.kind === 'registered' || this.current.kind === 'registering';
    this.pending = undefined;
    if (!wasBound) {
      this.setState({ kind: 'unregistered' });
      return Promise.resolve();
    }
    this.setState({ kind: 'unregistering' });
    return new Promise((resolve) => {
      this.unregisterWaiters.push(resolve);
      const sent = this.stack.send(() => this.buildRegister(0), {
        final: () => {
          this.setState({ kind: 'unregistered' });
          this.flushUnregisterWaiters();
        },
      });
      if (sent === undefined) {
        this.setState({ kind: 'unregistered' });
        this.flushUnregisterWaiters();
      }
    });
  }

  dispose(): void {
    this.wanted = false;
    this.clearTimer();
    this.pending = undefined;
    this.flushUnregisterWaiters();
    this.stateEmitter.dispose();
  }

  private flushUnregisterWaiters(): void {
    const waiters = this.unregisterWaiters;
    this.unregisterWaiters = [];
    for (const w of waiters) w();
  }

  private send(refresh: boolean): void {
    this.clearTimer();
    this.setState({ kind: 'registering', refresh });
    const sent: SentRequest | undefined = this.stack.send(() => this.buildRegister(this.expires), {
      final: (outcome) => {
        if (this.pending !== sent && sent !== undefined) return;
        this.pending = undefined;
        this.handleOutcome(outcome);
      },
    });
    this.pending = sent;
  }

  private buildRegister(expires: number): SipRequest {
    const aor = this.stack.identity.aor;
    const registrar: SipUri = { ...aor, user: undefined, password: undefined, params: [], headers: [] };
    const contact = this.stack.contact(true);
    const headers: [string, string][] = [
      ['Expires', String(expires)],
      ['Supported', 'outbound, path, gruu'],
      ['Allow', this.stack.allow],
      ['User-Agent', this.stack.userAgent],
    ];
    return createRequest({
      method: 'REGISTER',
      uri: registrar,
      via: [this.stack.via()],
      from: this.stack.fromAddress(this.stack.registrationTag),
      to: { displayName: undefined, uri: aor, params: [] },
      callId: this.callId,
      cseq: this.cseq++,
      contact: [{ ...contact, params: [...contact.params, { name: 'expires', value: String(expires) }] }],
      headers,
    });
  }

  private handleOutcome(outcome: RequestOutcome): void {
    if (!this.wanted) return;
    const status = outcomeStatus(outcome);
    if (outcome.kind === 'response' && status >= 200 && status < 300) {
      this.registered(outcome.response);
      return;
    }
    if (outcome.kind === 'response' && status === 423) {
      // §10.2.8: Interval Too Brief - retry at once with the server's Min-Expires.
      const min = outcome.response.headers.minExpires();
      if (min !== undefined && min > this.expires && min <= 86400 * 7 && this.intervalRetries < MAX_INTERVAL_RETRIES) {
        this.intervalRetries++;
        this.logger.info('registrar asked for a longer expiry', { minExpires: min });
        this.expires = min;
        this.send(false);
        return;
      }
      this.fail({ code: 'interval-too-brief', status, ...phrase(outcome.response) }, true);
      return;
    }
    switch (outcome.kind) {
      case 'auth-failed':
        this.fail({ code: 'auth-failed', status, ...phrase(outcome.response), digestCode: outcome.error.code }, false);
        return;
      case 'timeout':
        this.fail({ code: 'timeout', status: 408 }, true);
        return;
      case 'transport-error':
        this.fail({ code: 'transport', status: 503 }, true);
        return;
      case 'response': {
        const failure = { status, ...phrase(outcome.response) };
        const retryAfter = outcome.response.headers.retryAfter()?.seconds;
        if (status === 403) this.fail({ code: 'forbidden', ...failure }, false);
        else if (status >= 500) this.fail({ code: 'server-error', ...failure }, true, retryAfter);
        else this.fail({ code: 'rejected', ...failure }, status === 408 || status === 480, retryAfter);
      }
    }
  }

  private registered(response: SipResponse): void {
    const ours = this.stack.contact(true);
    const granted = grantedExpires(response, ours, this.expires);
    if (granted <= 0) {
      // A 2xx that kept no binding for us (expires 0): treated as a rejection, retried.
      this.fail({ code: 'rejected', status: response.status, ...phrase(response) }, true);
      return;
    }
    this.failures = 0;
    this.intervalRetries = 0;
    const flowTimer = parseDeltaSecondsSaturating(response.headers.get('flow-timer'));
    this.flowTimer = flowTimer !== undefined && flowTimer > 0 ? boundedFlowTimer(flowTimer) : undefined;
    this.setState({ kind: 'registered', expires: boundedRegistration(granted), contact: formatUri(ours.uri), registeredAt: this.clock.now() });
    // Refresh well before expiry, within bounds (peer-durations.ts): no storm for a grant of 1 s.
    const refreshIn = registrationRefreshMs(granted);
    this.timer = this.clock.setTimer(refreshIn, () => {
      this.timer = undefined;
      if (this.wanted) this.send(true);
    });
  }

  /** `retryAfterS`: the response's Retry-After, honoured within bounds (peer-durations.ts). */
  private fail(failure: Failure, retry: boolean, retryAfterS?: number): void {
    this.failures++;
    let retryInMs: number | null = null;
    if (retry) {
      const base = this.options.retryBaseMs ?? 5_000;
      const max = this.options.retryMaxMs ?? 300_000;
      const ceiling = Math.min(max, base * 2 ** Math.min(this.failures - 1, 16));
      // Jitter between 50% and 100% of the ceiling (RFC 5626 §4.5).
      retryInMs = retryAfterMs(retryAfterS, Math.round(ceiling * (0.5 + (this.rng.uint32() / 0x1_0000_0000) * 0.5)));
      this.timer = this.clock.setTimer(retryInMs, () => {
        this.timer = undefined;
        if (this.wanted) this.send(false);
      });
    }
    this.logger.warn('registration failed', { code: failure.code, status: failure.status, retryInMs });
    this.setState({ kind: 'failed', ...failure, retryInMs });
  }

  private clearTimer(): void {
    this.timer?.dispose();
    this.timer = undefined;
  }

  private setState(s: RegistrationState): void {
    this.current = s;
    this.stateEmitter.fire(s);
  }
}

/** The registrar's reason phrase as an optional field (absent when empty, bounded: peer-text.ts). */
function phrase(response: SipResponse): { readonly reasonPhrase?: string } {
  const text = boundedPeerText(response.reason);
  return text === undefined ? {} : { reasonPhrase: text };
}

/**
 * §10.2.4: the expiry granted for our binding - the `expires` parameter of our Contact in the 2xx
 * (matched by +sip.instance or URI), else the Expires header, else what we asked for. Any number of
 * digits is read, saturated at 2^32-1; the caller bounds it (peer-durations.ts).
 */
export function grantedExpires(response: SipResponse, ours: NameAddr, requested: number): number {
  const instance = getParam(ours.params, '+sip.instance');
  const ourUri = formatUri(ours.uri).toLowerCase();
  for (const c of response.headers.contact()) {
    const sameInstance = instance !== undefined && instance !== null && getParam(c.params, '+sip.instance') === instance;
    const sameUri = formatUri(c.uri).toLowerCase() === ourUri;
    if (!sameInstance && !sameUri) continue;
    const e = parseDeltaSecondsSaturating(getParam(c.params, 'expires'));
    if (e !== undefined) return e;
  }
  const header = response.headers.expires();
  return header ?? requested;
}
