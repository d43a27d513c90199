/**
 * The phone: accounts, registration, calls and their media, as one service that both faces
 * (the desktop renderer through IPC, and the `softphone` CLI) drive. It emits serializable
 * events only: no key material, no passwords, no raw SIP.
 */
import type { Clock } from '../../base/clock.js';
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import { Failure } from '../../base/failure.js';
import type { Logger } from '../../base/logger.js';
import type { Rng } from '../../base/rng.js';
import { parseNameAddr } from '../../protocol/sip/message/name-addr.js';
import type { Uri } from '../../protocol/sip/message/uri.js';
import type { CallSession, CallState } from '../../protocol/sip/ua/call-session.js';
import type { EndReason } from '../../protocol/sip/ua/end-reason.js';
import type { MessageSummary } from '../../protocol/sip/ua/message-summary.js';
import type { RegistrationState } from '../../protocol/sip/ua/registration-client.js';
import { replacesForDialog } from '../../protocol/sip/ua/replaces.js';
import type { AudioLevels, CallAudioDeviceChoice, CallAudioDevicesInfo, CallVolume, CallAudioOptions, CallMedia, CallMediaFactory, MediaState, MediaStats } from '../../media/call-media.js';
import type { SignallingTransport } from '../../protocol/sdes/sdes-config.js';
import type { AccountConfig } from '../../../src-shared/model/account.js';
import { AccountRuntime } from './account-runtime.js';
import { DeferredMedia } from './deferred-media.js';
import type { ConnectionState, SipConnectionFactory } from './ports.js';
import type { CallRecord } from './call-history.js';

export interface CallInfo {
  readonly callId: string;
  readonly accountId: string;
  readonly direction: 'outgoing' | 'incoming';
  readonly remote: string;
  readonly remoteName?: string;
}

export type PhoneEvent =
  | { readonly type: 'connection'; readonly accountId: string; readonly state: ConnectionState }
  | { readonly type: 'registration'; readonly accountId: string; readonly state: RegistrationState }
  | { readonly type: 'call'; readonly call: CallInfo; readonly state: CallState }
  | { readonly type: 'media'; readonly call: CallInfo; readonly media: MediaState }
  | { readonly type: 'dtmf'; readonly call: CallInfo; readonly digit: string; readonly via: 'rfc4733' | 'info' }
  | { readonly type: 'transfer'; readonly call: CallInfo; readonly status: number; readonly reason: string }
  | { readonly type: 'stats'; readonly call: CallInfo; readonly stats: MediaStats }
  /** Microphone and speaker meters of a call, about every 100 ms. */
  | { readonly type: 'levels'; readonly call: CallInfo; readonly levels: AudioLevels }
  /** The devices a call's audio uses (start, user switch, device loss, hot-plug). */
  | { readonly type: 'audio-devices'; readonly call: CallInfo; readonly devices: CallAudioDevicesInfo }
  | { readonly type: 'mwi'; readonly accountId: string; readonly summary: MessageSummary }
  | { readonly type: 'history'; readonly record: CallRecord }
  | { readonly type: 'error'; readonly accountId?: string; readonly callId?: string; readonly code: string; readonly message: string };

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
}

interface LiveCall {
  readonly info: CallInfo;
  readonly session: CallSession;
  readonly runtime: AccountRuntime;
  media: CallMedia | undefined;
  readonly deferred?: DeferredMedia;
  readonly startedAt: number;
  answeredAt: number | undefined;
  srtp: boolean;
  mediaAnnounced: boolean;
  /** The peer asked us to transfer this call: it ends once the new call connects. */
  transferring: boolean;
  readonly subs: DisposableStore;
  readonly audio: CallAudioOptions | undefined;
}

export class PhoneService implements Disposable {
  private readonly accounts = new Map<string, AccountRuntime>();
  private readonly calls = new Map<string, LiveCall>();
  private readonly emitter = new Emitter<PhoneEvent>();
  readonly onEvent: Event<PhoneEvent> = this.emitter.event;
  private readonly store = new DisposableStore();
  private nextCall = 1;
  /** Audio for each incoming call (CLI `answer --play/--record`); the app passes devices instead. */
  incomingAudio: (() => CallAudioOptions | undefined) | undefined;

  constructor(private readonly deps: PhoneServiceDeps) {}

  // ------------------------------------------------------------------------------------------
  // Accounts

  async addAccount(id: string, config: AccountConfig): Promise<void> {
    if (this.accounts.has(id)) throw new Failure('conflict', `An account named ${id} exists already.`);
    const connection = await this.deps.connections.create(id, config);
    if (!connection.ok) throw new Failure('unavailable', `${connection.error.message}${connection.error.hint === undefined ? '' : ` ${connection.error.hint}`}`, { code: connection.error.code });
    const runtime = new AccountRuntime(id, config, connection.value, {
      clock: this.deps.clock,
      rng: this.deps.rng,
      logger: this.deps.logger,
      instanceId: this.deps.instanceId,
      userAgent: this.deps.userAgent,
      mediaForIncoming: () => new DeferredMedia(),
    });
    this.accounts.set(id, runtime);
    const subs = this.store.add(new DisposableStore());
    subs.add(connection.value.onState((state) => this.emit({ type: 'connection', accountId: id, state })));
    subs.add(runtime.registration.onState((state) => this.emit({ type: 'registration', accountId: id, state })));
    subs.add(runtime.ua.onMessageSummary((summary) => this.emit({ type: 'mwi', accountId: id, summary })));
    subs.add(runtime.ua.onIncomingCall((offer) => void this.incoming(runtime, offer.call, offer.replaces)));
    runtime.start();
  }

  account(id: string): AccountRuntime | undefined {
    return this.accounts.get(id);
  }

  /** Re-registers every account now (network interface change, VPN up/down, resume from sleep). */
  networkChanged(): void {
    for (const a of this.accounts.values()) a.networkChanged();
  }

  // ------------------------------------------------------------------------------------------
  // Calls

  /** Places a call from an account to a number or SIP address. */
  async call(accountId: string, target: string, audio?: CallAudioOptions): Promise<CallInfo> {
    const runtime = this.requireAccount(accountId);
    const uri = targetUri(target, runtime);
    const endpoint = runtime.connection.endpoint();
    if (endpoint === undefined) throw new Failure('unavailable', 'The account is not connected to its phone system yet.');
    const media = await this.createMedia(runtime, `out-${this.nextCall}`, endpoint.viaHost, audio);
    const started = runtime.ua.startCall(uri, media);
    if (!started.ok) {
      media.dispose();
      throw new Failure('unavailable', started.error.message, { code: started.error.code });
    }
    const session = started.value;
    const info: CallInfo = { callId: `c${this.nextCall++}`, accountId, direction: 'outgoing', remote: formatTarget(uri) };
    this.track(info, session, runtime, media, undefined, audio);
    return info;
  }

  answer(callId: string): void {
    const live = this.requireCall(callId);
    if (live.media === undefined) throw new Failure('unavailable', 'The call media is still being prepared; try again in a moment.');
    const r = live.session.answer();
    if (!r.ok) throw new Failure('conflict', r.error.code);
  }

  decline(callId: string, busy = false): void {
    this.requireCall(callId).session.decline(busy ? 486 : 603);
  }

  hangup(callId: string): void {
    this.requireCall(callId).session.hangup();
  }

  hold(callId: string, hold: boolean): void {
    const r = this.requireCall(callId).session.setHold(hold);
    if (!r.ok) throw new Failure('conflict', r.error.code);
  }

  /** Sends DTMF: RFC 4733 in the media when negotiated, SIP INFO otherwise. */
  sendDtmf(callId: string, digits: string, mode: 'auto' | 'info' = 'auto'): void {
    const live = this.requireCall(callId);
    for (const d of digits) {
      const inBand = mode === 'auto' && live.media?.sendDtmf(d) === true;
      if (!inBand && !live.session.sendDtmfInfo(d).ok) throw new Failure('conflict', `Cannot send DTMF ${d} now.`);
    }
  }

  setMuted(callId: string, muted: boolean): void {
    this.requireCall(callId).media?.setMuted(muted);
  }

  /** Microphone/speaker volume (dB) of one call, or of every live call. */
  setCallVolume(volume: CallVolume, callId?: string): void {
    for (const c of this.callsOrAll(callId)) c.media?.setVolume(volume);
  }

  /**
   * Moves the audio of one call, or of every live call, to other devices (ids, or null for the
   * system default). A device that cannot be opened leaves the call where it was and raises an
   * `error` event for it.
   */
  async setCallAudioDevices(choice: CallAudioDeviceChoice, callId?: string): Promise<void> {
    await Promise.all(this.callsOrAll(callId).map((c) => c.media?.setAudioDevices(choice)));
  }

  private callsOrAll(callId: string | undefined): LiveCall[] {
    return callId === undefined ? [...this.calls.values()] : [this.requireCall(callId)];
  }

  /** Blind transfer (REFER, RFC 3515). */
  transfer(callId: string, target: string): void {
    const live = this.requireCall(callId);
    const r = live.session.transfer(targetUri(target, live.runtime));
    if (!r.ok) throw new Failure('conflict', r.error.code);
  }

  /** Attended transfer: connect the peer of `callId` with the peer of `consultCallId` (REFER with Replaces). */
  attendedTransfer(callId: string, consultCallId: string): void {
    const live = this.requireCall(callId);
    const consult = this.requireCall(consultCallId);
    const id = consult.session.dialogId;
    if (id === undefined) throw new Failure('conflict', 'The consultation call is not connected.');
    const target = consult.session.remote.uri;
    const r = live.session.transfer(target, replacesForDialog(id));
    if (!r.ok) throw new Failure('conflict', r.error.code);
  }

  get activeCalls(): CallInfo[] {
    return [...this.calls.values()].map((c) => c.info);
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
    for (const a of this.accounts.values()) a.dispose();
    this.accounts.clear();
    this.store.dispose();
    this.emitter.dispose();
  }

  // ------------------------------------------------------------------------------------------

  private async incoming(runtime: AccountRuntime, session: CallSession, replaces: CallSession | undefined): Promise<void> {
    const remoteUri = session.remote.uri;
    const info: CallInfo = {
      callId: `c${this.nextCall++}`,
      accountId: runtime.id,
      direction: 'incoming',
      remote: formatTarget(remoteUri),
      ...(session.remote.displayName === undefined ? {} : { remoteName: session.remote.displayName }),
    };
    const deferred = this.deferredOf(session);
    const audio = this.incomingAudio?.();
    this.track(info, session, runtime, undefined, deferred, audio);
    const endpoint = runtime.connection.endpoint();
    try {
      const media = await this.createMedia(runtime, info.callId, endpoint?.viaHost ?? '127.0.0.1', audio);
      const live = this.calls.get(info.callId);
      if (live === undefined || session.isEnded) {
        media.dispose();
        return;
      }
      live.media = media;
      if (deferred !== undefined) deferred.media = media;
      this.watchMedia(live, media);
      if (replaces !== undefined) {
        // RFC 3891: an INVITE with Replaces for a call we have is answered at once, the old call ended.
        session.answer();
        replaces.replaced();
        return;
      }
      session.ring();
      this.emit({ type: 'call', call: info, state: session.state });
    } catch (e) {
      this.emit({ type: 'error', callId: info.callId, code: 'media', message: e instanceof Error ? e.message : String(e) });
      session.decline(480);
    }
  }

  private deferredOf(session: CallSession): DeferredMedia | undefined {
    return session.media instanceof DeferredMedia ? session.media : undefined;
  }

  private async createMedia(runtime: AccountRuntime, label: string, localAddress: string, audio: CallAudioOptions | undefined): Promise<CallMedia> {
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
    if (!r.ok) throw new Failure('unavailable', r.error.message, { code: r.error.code });
    return r.value;
  }

  private track(info: CallInfo, session: CallSession, runtime: AccountRuntime, media: CallMedia | undefined, deferred: DeferredMedia | undefined, audio: CallAudioOptions | undefined): void {
    const live: LiveCall = {
      info,
      session,
      runtime,
      media,
      ...(deferred === undefined ? {} : { deferred }),
      startedAt: this.deps.clock.now(),
      answeredAt: undefined,
      srtp: false,
      mediaAnnounced: false,
      transferring: false,
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
            this.emit({ type: 'transfer', call: info, status: e.status, reason: e.reasonPhrase });
            return;
          case 'refer':
            void this.referred(live, e.referTo.uri, e.replaces);
            return;
          case 'error':
            this.emit({ type: 'error', callId: info.callId, code: 'call', message: e.code });
        }
      }),
    );
    if (session.direction === 'outgoing') this.emit({ type: 'call', call: info, state: session.state });
  }

  /** One active call at a time: answering or connecting a call puts the others on hold (like a desk phone). */
  private holdOthers(active: LiveCall): void {
    for (const other of this.calls.values()) {
      if (other === active || other.transferring) continue;
      const s = other.session.state;
      if (s.kind === 'active' && !s.localHold) {
        const r = other.session.setHold(true);
        if (!r.ok) this.deps.logger.warn('could not hold the other call', { call: other.info.callId, reason: r.error.code });
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
            this.emit({ type: 'audio-devices', call: live.info, devices: e.devices });
            return;
          case 'levels':
            this.emit({ type: 'levels', call: live.info, levels: e.levels });
            return;
          case 'error':
            this.emit({ type: 'error', callId: live.info.callId, code: 'media', message: e.message });
        }
      }),
    );
  }

  /** The peer asked us to call someone else (blind or attended transfer of us, RFC 3515 / 5589). */
  private async referred(live: LiveCall, target: Uri, replaces: string | undefined): Promise<void> {
    live.transferring = true;
    try {
      const endpoint = live.runtime.connection.endpoint();
      if (endpoint === undefined) throw new Error('not connected');
      const media = await this.createMedia(live.runtime, `xfer-${this.nextCall}`, endpoint.viaHost, live.audio);
      const headers: [string, string][] = replaces === undefined ? [] : [['Replaces', replaces]];
      const started = live.runtime.ua.startCall(target, media, headers);
      if (!started.ok) {
        media.dispose();
        live.session.notifyRefer(503, 'Service Unavailable');
        return;
      }
      const session = started.value;
      const info: CallInfo = { callId: `c${this.nextCall++}`, accountId: live.info.accountId, direction: 'outgoing', remote: formatTarget(target) };
      this.track(info, session, live.runtime, media, undefined, live.audio);
      session.onEvent((e) => {
        if (e.kind !== 'state') return;
        if (e.state.kind === 'ringing') live.session.notifyRefer(180, 'Ringing');
        else if (e.state.kind === 'active') {
          live.session.notifyRefer(200, 'OK');
          live.session.hangup();
        } else if (e.state.kind === 'ended' && e.state.reason.status !== undefined && e.state.reason.code !== 'hangup-local' && e.state.reason.code !== 'hangup-remote') {
          live.session.notifyRefer(e.state.reason.status >= 300 ? e.state.reason.status : 487, e.state.reason.peerText ?? e.state.reason.code);
        }
      });
    } catch (e) {
      live.session.notifyRefer(503, 'Service Unavailable');
      this.emit({ type: 'error', callId: live.info.callId, code: 'transfer', message: e instanceof Error ? e.message : String(e) });
    }
  }

  private ended(live: LiveCall, reason: EndReason): void {
    live.subs.dispose();
    live.media?.dispose();
    this.calls.delete(live.info.callId);
    const record: CallRecord = {
      id: `${live.info.accountId}:${live.session.callId}`,
      accountId: live.info.accountId,
      direction: live.info.direction,
      remote: live.info.remote,
      ...(live.info.remoteName === undefined ? {} : { remoteName: live.info.remoteName }),
      startedAt: new Date(live.startedAt).toISOString(),
      durationSeconds: live.answeredAt === undefined ? 0 : Math.round((this.deps.clock.now() - live.answeredAt) / 1000),
      answered: live.answeredAt !== undefined,
      outcome: reason.code,
      ...(reason.status === undefined ? {} : { status: reason.status }),
      reason: reason.code,
      tls: live.runtime.config.transport === 'tls',
      srtp: live.srtp,
    };
    this.deps.recordCall?.(record);
    this.emit({ type: 'history', record });
  }

  private requireAccount(id: string): AccountRuntime {
    const a = this.accounts.get(id);
    if (a === undefined) throw new Failure('not-found', `There is no account ${id}.`);
    return a;
  }

  private requireCall(id: string): LiveCall {
    const c = this.calls.get(id);
    if (c === undefined) throw new Failure('not-found', `There is no call ${id}.`);
    return c;
  }

  private emit(e: PhoneEvent): void {
    this.emitter.fire(e);
  }
}

/** A dial string to a URI: full sip:/sips:/tel: URIs, `user@host`, or a number/user at the account's domain. */
export function targetUri(target: string, runtime: AccountRuntime): Uri {
  const t = target.trim();
  const aor = runtime.stack.identity.aor;
  let text: string;
  if (/^(sips?|tel):/i.test(t)) text = t;
  else if (t.includes('@')) text = `${aor.scheme}:${t}`;
  else {
    const user = t.replace(/[\s().-]/g, '');
    if (!/^[+\w*#.!~'-]+$/.test(user)) throw new Failure('invalid-payload', `"${target}" is not a number or SIP address.`);
    text = `${aor.scheme}:${user}@${aor.host}${aor.port === undefined ? '' : `:${aor.port}`}`;
  }
  const na = parseNameAddr(text);
  if (na === undefined) throw new Failure('invalid-payload', `"${target}" is not a valid SIP address.`);
  if (na.uri.kind === 'tel') {
    const tel = na.uri;
    const converted = parseNameAddr(`${aor.scheme}:${tel.number.replace(/[-.()]/g, '')}@${aor.host};user=phone`);
    if (converted !== undefined) return converted.uri;
  }
  return na.uri;
}

function formatTarget(uri: Uri): string {
  if (uri.kind === 'sip') return `${uri.scheme}:${uri.user === undefined ? '' : `${uri.user}@`}${uri.host}`;
  if (uri.kind === 'tel') return `tel:${uri.number}`;
  return `${uri.scheme}:${uri.opaque}`;
}
