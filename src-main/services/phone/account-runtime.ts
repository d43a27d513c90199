/**
 * One registered account at run time: its connection (flow), transaction layer, digest client,
 * user agent and registration, wired so that a recovered flow, a NAT rebinding or a network
 * change re-registers at once (RFC 5626 §4.2.2) instead of at the next refresh.
 */
import type { Clock } from '../../base/clock.js';
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import type { Logger } from '../../base/logger.js';
import type { Rng } from '../../base/rng.js';
import { DigestClient } from '../../protocol/sip/auth/digest-client.js';
import { parseNameAddr } from '../../protocol/sip/message/name-addr.js';
import type { SipUri } from '../../protocol/sip/message/uri.js';
import { TransactionLayer } from '../../protocol/sip/transaction/transaction-layer.js';
import type { TransportPort } from '../../protocol/sip/transaction/transport-port.js';
import { messageToString } from '../../protocol/sip/message/serializer.js';
import type { SdpHandler } from '../../protocol/sip/ua/call-session.js';
import { RegistrationClient } from '../../protocol/sip/ua/registration-client.js';
import { UaStack } from '../../protocol/sip/ua/ua-stack.js';
import { UserAgent } from '../../protocol/sip/ua/user-agent.js';
import type { AccountConfig } from '../../../src-shared/model/account.js';
import type { ConnectionState, SipConnection } from './ports.js';

export interface AccountRuntimeDeps {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly instanceId: string;
  readonly userAgent: string;
  readonly mediaForIncoming: () => SdpHandler;
}

export class AccountRuntime implements Disposable {
  readonly layer: TransactionLayer;
  readonly stack: UaStack;
  readonly ua: UserAgent;
  readonly registration: RegistrationClient;
  private readonly store = new DisposableStore();
  private wasConnected = false;
  private readonly clock: Clock;

  constructor(
    readonly id: string,
    readonly config: AccountConfig,
    readonly connection: SipConnection,
    deps: AccountRuntimeDeps,
  ) {
    const logger = deps.logger.child(`account.${id}`);
    this.clock = deps.clock;
    const aor = parseAor(config.uri);
    // Every SIP message in and out is logged at debug level; the logger redacts Authorization
    // headers and SDES keys by construction (DESIGN.md rule 3).
    const wire = logger.child('wire');
    const transport: TransportPort = {
      get reliable() {
        return connection.transport.reliable;
      },
      send(message, destination) {
        wire.debug(`sent to ${destination.host}:${destination.port}`, { message: messageToString(message) });
        return connection.transport.send(message, destination);
      },
    };
    this.layer = this.store.add(new TransactionLayer({ transport, clock: deps.clock, logger }));
    this.store.add(
      connection.connect({
        receive: (message, source) => {
          wire.debug(`received from ${source.host}:${source.port}`, { message: messageToString(message) });
          this.layer.receive(message, source);
        },
      }),
    );
    const username = config.authUser ?? aor.user ?? '';
    const digest = new DigestClient({ credentials: { username, password: config.password ?? '' }, rng: deps.rng });
    this.stack = new UaStack(
      { aor, ...(config.displayName === undefined ? {} : { displayName: config.displayName }), instanceId: deps.instanceId },
      this.layer,
      digest,
      () => connection.endpoint(),
      deps.rng,
      deps.userAgent,
    );
    this.ua = this.store.add(
      new UserAgent({ stack: this.stack, clock: deps.clock, logger, sessionExpires: config.sessionExpires, mediaForIncoming: () => deps.mediaForIncoming() }),
    );
    this.registration = this.store.add(new RegistrationClient(this.stack, { expires: config.registerExpires }, deps.clock, deps.rng, logger.child('register')));
    this.store.add(
      connection.onState((s) => this.connectionChanged(s)),
    );
    this.store.add(connection.onBindingChanged(() => this.registration.transportRestored()));
    this.store.add(
      this.registration.onState((s) => {
        if (s.kind === 'registered' && this.registration.flowTimer !== undefined) connection.setServerFlowTimer(this.registration.flowTimer);
      }),
    );
  }

  /** Connects and (when the account registers) registers. */
  start(): void {
    this.connection.start();
  }

  /**
   * The network changed or the machine woke up: a failed connection retries now, a flow whose
   * local address is gone is replaced at once (both re-register once connected); a connection
   * that is still good re-registers now.
   */
  networkChanged(): void {
    this.connection.reconnectNow();
    if (this.connection.state.kind === 'connected') this.registration.transportRestored();
  }

  private connectionChanged(s: ConnectionState): void {
    if (s.kind === 'connected') {
      const first = !this.wasConnected;
      this.wasConnected = true;
      if (!this.config.register) return;
      if (first && this.registration.state.kind === 'unregistered') {
        this.registration.register();
        if (this.config.mwi) this.ua.subscribeVoicemail();
      } else this.registration.transportRestored();
    } else if (s.kind === 'failed' && s.lost) this.registration.transportLost();
  }

  /** Hangs up, unregisters (bounded wait) and closes the flow. */
  async stop(timeoutMs = 3000): Promise<void> {
    this.ua.shutdown();
    if (this.config.register && this.connection.state.kind === 'connected') {
      let timer: Disposable | undefined;
      await Promise.race([this.registration.unregister(), new Promise<void>((r) => (timer = this.clock.setTimer(timeoutMs, r)))]);
      timer?.dispose();
    }
    this.connection.stop();
  }

  dispose(): void {
    this.store.dispose();
    this.connection.dispose();
  }
}

export function parseAor(uri: string): SipUri {
  const na = parseNameAddr(uri.trim());
  if (na === undefined || na.uri.kind !== 'sip') throw new Error(`not a SIP URI: ${uri}`);
  return na.uri;
}
