/**
 * The phone engine: accounts, registration, calls and their media, driven by the view services
 * (accounts, calls: services/phone/*-service.ts) for the app and the web face, and directly by
 * the `softphone` CLI. It emits serializable events only (no key material, no passwords, no raw
 * SIP), and every failure is a value: `Result<…, Problem>` with a code from the closed list.
 *
 * Constructed only by createPhone (create-phone.ts): one composition for every face.
 */
import type { Clock } from '../../base/clock.js';
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import type { CallSession } from '../../protocol/sip/ua/call-session.js';
import type { CallActionError, CallEvent, CallState } from '../../protocol/sip/ua/call-state.js';
import type { EndReason } from '../../protocol/sip/ua/end-reason.js';
import type { MessageSummary } from '../../protocol/sip/ua/message-summary.js';
import type { RegistrationState } from '../../protocol/sip/ua/registration-client.js';
import { replacesForDialog } from '../../protocol/sip/ua/replaces.js';
import type { Uri } from '../../protocol/sip/message/uri.js';
import type { SignallingTransport } from '../../protocol/sdes/sdes-config.js';
import type { AudioLevels, CallAudioDeviceChoice, CallAudioDevicesInfo, CallAudioOptions, CallMedia, CallMediaFactory, CallVolume, MediaState, MediaStats } from '../../media/call-media.js';
import type { AccountConfig } from '../../../src-shared/model/account.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import type { CertificateReport } from '../../platform/tls/certificate-report.js';
import { problem } from '../problems/problem-catalog.js';
import { AccountRuntime } from './account-runtime.js';
import { DeferredMedia } from './deferred-media.js';
import { connectionProblem } from './connection-problem.js';
import { mediaProblem } from './media-problem.js';
import type { ConnectionState, SipConnectionFactory } from './ports.js';
import type { CallRecord, CallRecordSecurity } from './call-history.js';
import { formatTarget, targetUri } from './dial-target.js';

export interface CallInfo {
  readonly callId: string;
  readonly accountId: string;
  readonly direction: 'outgoing' | 'incoming';
  /** The far end as a URI string (`sips:bob@pbx.example.com`, `tel:+4930…`). */
  readonly remote: string;
  readonly remoteName?: string;
}

/** How the call's signalling is protected, as it was when the call started. */
export interface SignallingInfo {
  readonly transport: 'tls' | 'tcp' | 'udp';
  /** Keys (SDES) may travel on the first hop: verified TLS. */
  readonly sdesAllowed: boolean;
  /** sips: on our side or the target's: every hop must be TLS (RFC 3261 §26.2.2). */
  readonly everyHop: boolean;
  readonly report?: CertificateReport;
}

/** Everything the call view needs about one call (mapped once, in views/call-view.ts). */
export interface CallSnapshot {
  readonly info: CallInfo;
  readonly state: CallState;
  readonly startedAt: number;
  readonly answeredAt: number | undefined;
  readonly endedAt: number | undefined;
  readonly muted: boolean;
  readonly mediaReady: boolean;
  readonly media: MediaState | undefined;
  readonly srtpPolicy: AccountConfig['srtp'];
  readonly signalling: SignallingInfo;
  /** The far end asked us to transfer it: this call ends once the new one connects. */
  readonly transferee: boolean;
  /** This call consults for an attended transfer of that call. */
  readonly consultationOf: string | undefined;
  readonly audio: CallAudioDevicesInfo | undefined;
}

export type PhoneEvent =
  | { readonly type: 'connection'; readonly accountId: string; readonly state: ConnectionState }
  | { readonly type: 'registration'; readonly accountId: string; readonly state: RegistrationState }
  | { readonly type: 'call'; readonly call: CallInfo; readonly state: CallState }
  /** Something about a call changed that is not its SIP state (mute, transfer role, media readiness). */
  | { readonly type: 'call-updated'; readonly call: CallInfo }
  | { readonly type: 'media'; readonly call: CallInfo; readonly media: MediaState }
  | { readonly type: 'dtmf'; readonly call: CallInfo; readonly digit: string; readonly via: 'rfc4733' | 'info' }
  | { readonly type: 'transfer'; readonly call: CallInfo; readonly status: number; readonly reasonPhrase: string }
  | { readonly type: 'stats'; readonly call: CallInfo; readonly stats: MediaStats }
  /** Microphone and speaker meters of a call, about every 100 ms. */
  | { readonly type: 'levels'; readonly call: CallInfo; readonly levels: AudioLevels }
  /** The devices a call's audio uses (start, user switch, device loss, hot-plug). */
  | { readonly type: 'audio-devices'; readonly call: CallInfo; readonly devices: CallAudioDevicesInfo }
  | { readonly type: 'mwi'; readonly accountId: string; readonly summary: MessageSummary }
  | { readonly type: 'history'; readonly record: CallRecord }
  /** A failure that ended nothing (hold refused, a device lost) or a call that could not be set up. */
  | { readonly type: 'problem'; readonly accountId?: string; readonly callId?: string; readonly problem: Problem };

export interface PhoneServiceDeps {
  readonly connections: SipConnectionFactory;
  readonly media: CallMediaFactory;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  /** RFC 5626 instance id (`urn:uuid:…`), persistent per installation. */
  readonly instanceId: string;
  readonly userAgent: string;
  /** Called when a call ends, with what the history should keep. */
  readonly recordCall?: (record: CallRecord) => void;
  /**
   * Do not disturb: the status to refuse a new incoming call with (486 Busy Here, 603 Decline),
   * or undefined to ring. Asked before any RTP socket is bound for the call.
   */
  readonly refuseIncoming?: () => 486 | 603 | undefined;
  /** What protected a call, for its history record (the composition maps it; views sit above this). */
  readonly securityOf?: (call: CallSnapshot) => CallRecordSecurity;
}

interface LiveCall {
  readonly info: CallInfo;
  readonly session: CallSession;
  readonly runtime: AccountRuntime;
  media: CallMedia | undefined;
  readonly deferred?: DeferredMedia;
  readonly startedAt: number;
  answeredAt: number | undefined;
  endedAt: number | undefined;
  srtp: boolean;
  mediaAnnounced: boolean;
  muted: boolean;
  transferee: boolean;
  /** Refused by Do not disturb (the history shows it as missed, with why). */
  dnd: boolean;
  consultationOf: string | undefined;
  audioInfo: CallAudioDevicesInfo | undefined;
  readonly signalling: SignallingInfo;
  readonly subs: DisposableStore;
  readonly audio: CallAudioOptions | undefined;
}

export class PhoneService implements Disposable {
  private readonly accounts = new Map<string, AccountRuntime>();
  private readonly accountSubs = new Map<string, DisposableStore>();
  private readonly calls = new Map<string, LiveCall>();
  private readonly emitter = new Emitter<PhoneEvent>();
  readonly onEvent: Event<PhoneEvent> = this.emitter.event;
  private nextCall = 1;
  /** Audio for each incoming call (CLI `answer --play/--record`); the app passes devices instead. */
  incomingAudio: (() => CallAudioOptions | undefined) | undefined;

  constructor(private readonly deps: PhoneServiceDeps) {}

  // ------------------------------------------------------------------------------------------
  // Accounts

  /** Connects an account (and registers it when it registers). */
  async addAccount(id: string, config: AccountConfig): Promise<Result<void, Problem>> {
    if (this.accounts.has(id)) return err(problem('account-exists', { id }));
    const connection = await this.deps.connections.create(id, config);
    if (!connection.ok) return err(connectionProblem(connection.error));
    if (this.accounts.has(id)) {
      connection.value.dispose();
      return err(problem('account-exists', { id }));
    }
    const runtime = new AccountRuntime(id, config, connection.value, {
      clock: this.deps.clock,
      rng: this.deps.rng,
      logger: this.deps.logger,
      instanceId: this.deps.instanceId,
      userAgent: this.deps.userAgent,
      mediaForIncoming: () => new DeferredMedia(),
    });
    this.accounts.set(id, runtime);
    const subs = new DisposableStore();
    this.accountSubs.set(id, subs);
    subs.add(connection.value.onState((state) => this.emit({ type: 'connection', accountId: id, state })));
    subs.add(runtime.registration.onState((state) => this.emit({ type: 'registration', accountId: id, state })));
    subs.add(runtime.ua.onMessageSummary((summary) => this.emit({ type: 'mwi', accountId: id, summary })));
    subs.add(runtime.ua.onIncomingCall((offer) => void this.incoming(runtime, offer.call, offer.replaces)));
    runtime.start();
    return ok(undefined);
  }

  /** Hangs up the account's calls, unregisters (bounded wait) and forgets it. */
  async removeAccount(id: string): Promise<Result<void, Problem>> {
    const runtime = this.accounts.get(id);
    if (runtime === undefined) return err(problem('not-found', { what: 'account', id }));
    this.accounts.delete(id);
    await runtime.stop();
    for (const c of [...this.calls.values()]) if (c.runtime === runtime) this.forget(c);
    this.accountSubs.get(id)?.dispose();
    this.accountSubs.delete(id);
    runtime.dispose();
    return ok(undefined);
  }

  account(id: string): AccountRuntime | undefined {
    return this.accounts.get(id);
  }

  /** The SIP Call-ID of a call (once it has a dialog), for the SIP log's filter by call. */
  sipCallId(callId: string): string | undefined {
    return this.calls.get(callId)?.session.dialogId?.callId;
  }

  get accountIds(): string[] {
    return [...this.accounts.keys()];
  }

  /** Re-registers every account now (network interface change, VPN up/down, resume from sleep). */
  networkChanged(): void {
    for (const a of this.accounts.values()) a.networkChanged();
  }

  /** Retry now: skips any backoff and reconnects/re-registers one account. */
  retryAccount(id: string): Result<void, Problem> {
    const a = this.accounts.get(id);
    if (a === undefined) return err(problem('not-found', { what: 'account', id }));
    a.networkChanged();
    return ok(undefined);
  }

  // ------------------------------------------------------------------------------------------
  // Calls

  /** Places a call from an account to a number or SIP address. */
  async call(accountId: string, target: string, audio?: CallAudioOptions): Promise<Result<CallInfo, Problem>> {
    const runtime = this.accounts.get(accountId);
    if (runtime === undefined) return err(problem('not-found', { what: 'account', id: accountId }));
    const uri = targetUri(target, runtime.stack.identity.aor);
    if (!uri.ok) return uri;
    const endpoint = runtime.connection.endpoint();
    if (endpoint === undefined) return err(problem('call-account-not-connected', { accountId }));
    const media = await this.createMedia(runtime, `out-${this.nextCall}`, endpoint.viaHost, audio);
    if (!media.ok) return media;
    const session = runtime.ua.startCall(uri.value, media.value);
    if (!session.ok) {
      media.value.dispose();
      return err(mediaProblem(session.error));
    }
    const info: CallInfo = { callId: `c${this.nextCall++}`, accountId, direction: 'outgoing', remote: formatTarget(uri.value) };
    this.track(info, session.value, runtime, media.value, undefined, audio, uri.value);
    return ok(info);
  }

  answer(callId: string): Result<void, Problem> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    if (live.media === undefined) return err(problem('call-media-not-ready'));
    return actionResult(live.session.answer());
  }

  decline(callId: string, busy = false): Result<void, Problem> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    if (live.session.state.kind !== 'incoming') return err(problem('call-not-ringing'));
    live.session.decline(busy ? 486 : 603);
    return ok(undefined);
  }

  hangup(callId: string): Result<void, Problem> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    live.session.hangup();
    return ok(undefined);
  }

  hold(callId: string, hold: boolean): Result<void, Problem> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    const s = live.session.state;
    if (s.kind === 'active' && s.localHold === hold && s.change === undefined) return ok(undefined);
    return actionResult(live.session.setHold(hold));
  }

  /** Resumes `callId` and holds every other connected call (two lines, one voice). */
  swap(callId: string): Result<void, Problem> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    if (live.session.state.kind !== 'active') return err(problem('call-not-connected'));
    this.holdOthers(live);
    return this.hold(callId, false);
  }

  /** Sends DTMF: RFC 4733 in the media when negotiated, SIP INFO otherwise. */
  sendDtmf(callId: string, digits: string, mode: 'auto' | 'info' = 'auto'): Result<void, Problem> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    for (const d of digits) {
      const inBand = mode === 'auto' && live.media?.sendDtmf(d) === true;
      if (inBand) continue;
      const r = actionResult(live.session.sendDtmfInfo(d));
      if (!r.ok) return r;
    }
    return ok(undefined);
  }

  setMuted(callId: string, muted: boolean): Result<void, Problem> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    if (live.media === undefined) return err(problem('call-media-not-ready'));
    live.media.setMuted(muted);
    if (live.muted !== muted) {
      live.muted = muted;
      this.emit({ type: 'call-updated', call: live.info });
    }
    return ok(undefined);
  }

  /** Microphone/speaker volume (dB) of one call, or of every live call. */
  setCallVolume(volume: CallVolume, callId?: string): Result<void, Problem> {
    const calls = this.callsOrAll(callId);
    if (!calls.ok) return calls;
    for (const c of calls.value) c.media?.setVolume(volume);
    return ok(undefined);
  }

  /**
   * Moves the audio of one call, or of every live call, to other devices (ids, or null for the
   * system default). A device that cannot be opened leaves the call where it was and raises a
   * `problem` event for it.
   */
  async setCallAudioDevices(choice: CallAudioDeviceChoice, callId?: string): Promise<Result<void, Problem>> {
    const calls = this.callsOrAll(callId);
    if (!calls.ok) return calls;
    await Promise.all(calls.value.map((c) => c.media?.setAudioDevices(choice)));
    return ok(undefined);
  }

  /** Blind transfer (REFER, RFC 3515). */
  transfer(callId: string, target: string): Result<void, Problem> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    const uri = targetUri(target, live.runtime.stack.identity.aor);
    if (!uri.ok) return uri;
    return actionResult(live.session.transfer(uri.value));
  }

  /** Attended transfer, step one: hold `callId` and call `target` from the same account. */
  async consult(callId: string, target: string, audio?: CallAudioOptions): Promise<Result<CallInfo, Problem>> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    if (live.session.state.kind !== 'active') return err(problem('call-not-connected'));
    const held = this.hold(callId, true);
    if (!held.ok) return held;
    const placed = await this.call(live.info.accountId, target, audio ?? live.audio);
    if (!placed.ok) return placed;
    const consult = this.calls.get(placed.value.callId);
    if (consult !== undefined) {
      consult.consultationOf = callId;
      this.emit({ type: 'call-updated', call: consult.info });
    }
    return placed;
  }

  /** Attended transfer: connect the peer of `callId` with the peer of `consultCallId` (REFER with Replaces, RFC 5589 §7). */
  attendedTransfer(callId: string, consultCallId: string): Result<void, Problem> {
    const live = this.calls.get(callId);
    if (live === undefined) return err(noCall(callId));
    const consult = this.calls.get(consultCallId);
    if (consult === undefined) return err(noCall(consultCallId));
    const id = consult.session.dialogId;
    if (id === undefined || consult.session.state.kind !== 'active') return err(problem('call-no-consultation'));
    return actionResult(live.session.transfer(consult.session.remote.uri, replacesForDialog(id)));
  }

  get activeCalls(): CallInfo[] {
    return [...this.calls.values()].map((c) => c.info);
  }

  /** What the call view shows about one call; undefined once it is gone. */
  snapshot(callId: string): CallSnapshot | undefined {
    const c = this.calls.get(callId);
    return c === undefined ? undefined : snapshotOf(c);
  }

  /** Every call in progress, oldest first. */
  snapshots(): CallSnapshot[] {
    return [...this.calls.values()].map(snapshotOf);
  }

  /** Hangs up, unregisters every account (bounded wait), and closes the flows. */
  async shutdown(): Promise<void> {
    await Promise.all([...this.accounts.values()].map((a) => a.stop()));
  }

  dispose(): void {
    for (const c of this.calls.values()) {
      c.subs.dispose();
      c.media?.dispose();
    }
    this.calls.clear();
    for (const s of this.accountSubs.values()) s.dispose();
    this.accountSubs.clear();
    for (const a of this.accounts.values()) a.dispose();
    this.accounts.clear();
    this.emitter.dispose();
  }

  // ------------------------------------------------------------------------------------------

  private callsOrAll(callId: string | undefined): Result<LiveCall[], Problem> {
    if (callId === undefined) return ok([...this.calls.values()]);
    const c = this.calls.get(callId);
    return c === undefined ? err(noCall(callId)) : ok([c]);
  }

  private async incoming(runtime: AccountRuntime, session: CallSession, replaces: CallSession | undefined): Promise<void> {
    const remoteUri = session.remote.uri;
    const info: CallInfo = {
      callId: `c${this.nextCall++}`,
      accountId: runtime.id,
      direction: 'incoming',
      remote: formatTarget(remoteUri),
      ...(session.remote.displayName === undefined ? {} : { remoteName: session.remote.displayName }),
    };
    const deferred = session.media instanceof DeferredMedia ? session.media : undefined;
    const refuse = replaces === undefined ? this.deps.refuseIncoming?.() : undefined;
    if (refuse !== undefined) {
      // Do not disturb: refused before media exists (no socket bound); kept in the history as missed.
      this.track(info, session, runtime, undefined, deferred, undefined, remoteUri);
      const live = this.calls.get(info.callId);
      if (live !== undefined) live.dnd = true;
      this.deps.logger.info('incoming call refused: do not disturb', { callId: info.callId, status: refuse });
      session.decline(refuse);
      return;
    }
    const audio = this.incomingAudio?.();
    this.track(info, session, runtime, undefined, deferred, audio, remoteUri);
    const endpoint = runtime.connection.endpoint();
    const media = await this.createMedia(runtime, info.callId, endpoint?.viaHost ?? '127.0.0.1', audio);
    const live = this.calls.get(info.callId);
    if (!media.ok) {
      this.emit({ type: 'problem', callId: info.callId, accountId: runtime.id, problem: media.error });
      session.decline(480);
      return;
    }
    if (live === undefined || session.isEnded) {
      media.value.dispose();
      return;
    }
    live.media = media.value;
    if (deferred !== undefined) deferred.media = media.value;
    this.watchMedia(live, media.value);
    if (replaces !== undefined) {
      // RFC 3891: an INVITE with Replaces for a call we have is answered at once, the old call ended.
      session.answer();
      replaces.replaced();
      return;
    }
    session.ring();
    // Ringing is announced once the media is ready, so it can be answered at once.
    this.emit({ type: 'call-updated', call: info });
    this.emit({ type: 'call', call: info, state: session.state });
  }

  private async createMedia(runtime: AccountRuntime, label: string, localAddress: string, audio: CallAudioOptions | undefined): Promise<Result<CallMedia, Problem>> {
    const state = runtime.connection.state;
    const signalling: SignallingTransport = state.kind === 'connected' ? state.transport : runtime.config.transport;
    // SDES keys only over a verified TLS hop; chain-only counts as TLS but is reported weaker.
    const sdesAllowed = state.kind === 'connected' && state.sdesAllowed;
    const r = await this.deps.media.create({
      callId: label,
      srtp: runtime.config.srtp,
      signalling: sdesAllowed ? signalling : signalling === 'tls' ? 'tcp' : signalling,
      allowInsecureSdes: runtime.config.allowInsecureSdes,
      ...(runtime.config.srtpSuites === undefined ? {} : { srtpSuites: runtime.config.srtpSuites }),
      codecs: runtime.config.codecs,
      localAddress,
      ...(audio === undefined ? {} : { audio }),
    });
    return r.ok ? r : err(mediaProblem(r.error));
  }

  private track(info: CallInfo, session: CallSession, runtime: AccountRuntime, media: CallMedia | undefined, deferred: DeferredMedia | undefined, audio: CallAudioOptions | undefined, remote: Uri): void {
    const state = runtime.connection.state;
    const report = runtime.connection.certificateReport();
    const live: LiveCall = {
      info,
      session,
      runtime,
      media,
      ...(deferred === undefined ? {} : { deferred }),
      startedAt: this.deps.clock.now(),
      answeredAt: undefined,
      endedAt: undefined,
      srtp: false,
      mediaAnnounced: false,
      muted: false,
      transferee: false,
      dnd: false,
      consultationOf: undefined,
      audioInfo: undefined,
      signalling: {
        transport: state.kind === 'connected' ? state.transport : runtime.config.transport,
        sdesAllowed: state.kind === 'connected' && state.sdesAllowed,
        everyHop: runtime.stack.identity.aor.scheme === 'sips' || (remote.kind === 'sip' && remote.scheme === 'sips'),
        ...(report === undefined || runtime.config.transport !== 'tls' ? {} : { report }),
      },
      subs: new DisposableStore(),
      audio,
    };
    this.calls.set(info.callId, live);
    if (media !== undefined) this.watchMedia(live, media);
    live.subs.add(
      session.onEvent((e) => {
        switch (e.kind) {
          case 'state':
            if (e.state.kind === 'active' && live.answeredAt === undefined) {
              live.answeredAt = this.deps.clock.now();
              this.holdOthers(live);
            }
            if (e.state.kind === 'ended') live.endedAt = this.deps.clock.now();
            this.emit({ type: 'call', call: info, state: e.state });
            if (e.state.kind === 'active' && !live.mediaAnnounced && live.media?.state !== undefined) {
              live.mediaAnnounced = true;
              this.emit({ type: 'media', call: info, media: live.media.state });
            }
            if (e.state.kind === 'ended') this.ended(live, e.state.reason);
            return;
          case 'dtmf':
            this.emit({ type: 'dtmf', call: info, digit: e.digit, via: 'info' });
            return;
          case 'transfer-progress':
            this.emit({ type: 'transfer', call: info, status: e.status, reasonPhrase: e.reasonPhrase });
            return;
          case 'refer':
            void this.referred(live, e.referTo.uri, e.replaces);
            return;
          case 'error':
            this.emit({ type: 'problem', callId: info.callId, accountId: info.accountId, problem: problem(SESSION_ERRORS[e.code], e.status === undefined ? undefined : { status: e.status }) });
        }
      }),
    );
    if (session.direction === 'outgoing') this.emit({ type: 'call', call: info, state: session.state });
  }

  /** One active call at a time: answering, connecting or resuming a call holds the others (like a desk phone). */
  private holdOthers(active: LiveCall): void {
    for (const other of this.calls.values()) {
      if (other === active || other.transferee) continue;
      const s = other.session.state;
      if (s.kind === 'active' && !s.localHold && s.change === undefined) {
        const r = other.session.setHold(true);
        if (!r.ok) this.deps.logger.warn('could not hold the other call', { call: other.info.callId, code: r.error.code });
      }
    }
  }

  private watchMedia(live: LiveCall, media: CallMedia): void {
    live.subs.add(
      media.onEvent((e) => {
        switch (e.kind) {
          case 'negotiated':
            live.srtp = e.state.srtp;
            if (live.session.state.kind === 'active' || live.session.state.kind === 'ringing') {
              live.mediaAnnounced = true;
              this.emit({ type: 'media', call: live.info, media: e.state });
            }
            return;
          case 'dtmf':
            this.emit({ type: 'dtmf', call: live.info, digit: e.digit, via: 'rfc4733' });
            return;
          case 'stats':
            this.emit({ type: 'stats', call: live.info, stats: e.stats });
            return;
          case 'latched':
            return;
          case 'audio-devices':
            live.audioInfo = e.devices;
            this.emit({ type: 'audio-devices', call: live.info, devices: e.devices });
            return;
          case 'levels':
            this.emit({ type: 'levels', call: live.info, levels: e.levels });
            return;
          case 'error':
            this.emit({ type: 'problem', callId: live.info.callId, accountId: live.info.accountId, problem: audioEventProblem(e.source, e.cause) });
        }
      }),
    );
  }

  /** The peer asked us to call someone else (blind or attended transfer of us, RFC 3515 / 5589). */
  private async referred(live: LiveCall, target: Uri, replaces: string | undefined): Promise<void> {
    live.transferee = true;
    this.emit({ type: 'call-updated', call: live.info });
    const endpoint = live.runtime.connection.endpoint();
    if (endpoint === undefined) {
      live.session.notifyRefer(503, 'Service Unavailable');
      this.emit({ type: 'problem', callId: live.info.callId, problem: problem('call-no-connection') });
      return;
    }
    const media = await this.createMedia(live.runtime, `xfer-${this.nextCall}`, endpoint.viaHost, live.audio);
    if (!media.ok) {
      live.session.notifyRefer(503, 'Service Unavailable');
      this.emit({ type: 'problem', callId: live.info.callId, problem: media.error });
      return;
    }
    const headers: [string, string][] = replaces === undefined ? [] : [['Replaces', replaces]];
    const session = live.runtime.ua.startCall(target, media.value, headers);
    if (!session.ok) {
      media.value.dispose();
      live.session.notifyRefer(503, 'Service Unavailable');
      return;
    }
    const info: CallInfo = { callId: `c${this.nextCall++}`, accountId: live.info.accountId, direction: 'outgoing', remote: formatTarget(target) };
    this.track(info, session.value, live.runtime, media.value, undefined, live.audio, target);
    session.value.onEvent((e) => {
      if (e.kind !== 'state') return;
      if (e.state.kind === 'ringing') live.session.notifyRefer(180, 'Ringing');
      else if (e.state.kind === 'active') {
        live.session.notifyRefer(200, 'OK');
        live.session.hangup();
      } else if (e.state.kind === 'ended' && e.state.reason.status !== undefined && e.state.reason.code !== 'hangup-local' && e.state.reason.code !== 'hangup-remote') {
        live.session.notifyRefer(e.state.reason.status >= 300 ? e.state.reason.status : 487, e.state.reason.peerText ?? 'Failed');
      }
    });
  }

  private ended(live: LiveCall, reason: EndReason): void {
    const security = this.deps.securityOf?.(snapshotOf(live));
    this.forget(live);
    const record: CallRecord = {
      id: `${live.info.accountId}:${live.session.callId}`,
      accountId: live.info.accountId,
      direction: live.info.direction,
      remote: live.info.remote,
      ...(live.info.remoteName === undefined ? {} : { remoteName: live.info.remoteName }),
      startedAt: new Date(live.startedAt).toISOString(),
      durationSeconds: live.answeredAt === undefined ? 0 : Math.round((this.deps.clock.now() - live.answeredAt) / 1000),
      answered: live.answeredAt !== undefined,
      outcome: live.dnd ? 'do-not-disturb' : reason.code,
      ...(reason.status === undefined ? {} : { status: reason.status }),
      tls: live.signalling.transport === 'tls',
      srtp: live.srtp,
      // What protected the call as it ran (not the configured transport): the history shows it.
      ...(security === undefined ? {} : { security: live.srtp ? security : { ...security, srtpSuite: null } }),
    };
    this.deps.recordCall?.(record);
    this.emit({ type: 'history', record });
  }

  private forget(live: LiveCall): void {
    live.subs.dispose();
    live.media?.dispose();
    this.calls.delete(live.info.callId);
  }

  private emit(e: PhoneEvent): void {
    this.emitter.fire(e);
  }
}

function snapshotOf(c: LiveCall): CallSnapshot {
  return {
    info: c.info,
    state: c.session.state,
    startedAt: c.startedAt,
    answeredAt: c.answeredAt,
    endedAt: c.endedAt,
    muted: c.muted,
    mediaReady: c.media !== undefined,
    media: c.media?.state,
    srtpPolicy: c.runtime.config.srtp,
    signalling: c.signalling,
    transferee: c.transferee,
    consultationOf: c.consultationOf,
    audio: c.audioInfo,
  };
}

/** A device, the echo canceller or a media socket that failed in a call, as a problem; the call goes on. */
function audioEventProblem(source: 'microphone' | 'speaker' | 'echo-canceller' | 'network', cause: string | undefined): Problem {
  if (source === 'echo-canceller') return problem('audio-echo-cancellation-unavailable');
  if (source === 'network') return problem('media-socket-failed', cause === undefined ? undefined : { cause });
  const known = ['audio-device-not-found', 'audio-format-unsupported', 'audio-open-failed', 'audio-device-lost', 'audio-io-error'] as const;
  const code = known.find((k) => k === cause) ?? (cause === 'audio-backend-unavailable' ? 'audio-unavailable' : 'audio-io-error');
  return problem(code, { kind: source });
}

function noCall(id: string): Problem {
  return problem('not-found', { what: 'call', id });
}

/** A refused call action as the person sees it. */
function actionResult(r: Result<void, CallActionError>): Result<void, Problem> {
  if (r.ok) return ok(undefined);
  if (r.error.code === 'media-failed') return err(r.error.media === undefined ? problem('media-bad-config') : mediaProblem(r.error.media));
  return err(problem(ACTION_ERRORS[r.error.code]));
}

const ACTION_ERRORS: Readonly<Record<Exclude<CallActionError['code'], 'media-failed'>, Problem['code']>> = {
  'not-ringing': 'call-not-ringing',
  'not-connected': 'call-not-connected',
  'change-pending': 'call-change-pending',
  'transfer-pending': 'call-transfer-pending',
  'no-connection': 'call-no-connection',
  'invalid-digit': 'call-invalid-digit',
};

const SESSION_ERRORS: Readonly<Record<Extract<CallEvent, { kind: 'error' }>['code'], Problem['code']>> = {
  'hold-refused': 'call-hold-refused',
  'resume-refused': 'call-resume-refused',
  'hold-answer-unusable': 'call-hold-answer-unusable',
  'dtmf-info-refused': 'call-dtmf-refused',
  'transfer-refused': 'call-transfer-refused',
};

