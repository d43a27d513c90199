/**
 * The call pre-warm: once an account has registered, everything the first call would otherwise
 * pay for on its INVITE → 200 OK path is done ahead, off that path (issue 15, "cold call path").
 * Measured with `npm run bench -- call-setup` (bench/call-setup.bench.ts): without it the first
 * call's answering path costs 150-190 ms of CPU (warm calls: 3-8 ms), most of it loading the Opus
 * binding (node-pre-gyp's lookup runs process.report.getReport), the rest code run for the first
 * time; with it, ~11 ms. Figures in the top-level README.
 *
 * What it does, once per phone, after the first registration (on a 0 ms timer, so never inside
 * the registration's own event handling; every step gives the event loop a turn first):
 *   1. builds the codec registry (loads the native Opus binding once);
 *   2. runs one complete canned offer/answer per codec between two scratch media sessions on
 *      socket stand-ins that bind nothing and send nowhere (SDP build/parse/negotiation, SDES key
 *      generation, SRTP context and key derivation, codec construction, the send/receive set-up,
 *      RTCP), then encodes and decodes one frame with each codec;
 *   3. takes 8 canned incoming calls through a scratch account's SIP stack (stream framer, parser,
 *      SIP-log masking, log redaction, transaction layer, user agent, dialog, 180/200, ACK, BYE)
 *      answered by scratch media sessions: the path of the first real INVITE, run often enough
 *      for V8 to move it up its tiers;
 *   4. runs the per-frame media path back to back (media/call/hot-path-warm-up.ts);
 *   5. loads the resampler's wasm module and converts one frame;
 *   6. loads the echo canceller's native addon (the app's speexdsp) and creates one canceller.
 * A registration refresh 10 minutes or more after the last warm-up, with no call in progress,
 * runs 1-3 again once (V8 drops bytecode unused for a while).
 * No sound device is opened (a microphone must never be opened before a call).
 *
 * And it keeps one pre-bound RTP/RTCP socket pair per registered account's local address
 * (RtpSocketPairPool, at most 4 addresses): the pool is filled only while no call is in progress
 * (so N calls hold at most 2N RTP sockets, pool included, once the first has taken the pair),
 * refilled when the last call ends, trimmed when an address is no longer any registered account's,
 * emptied when no account is registered, and closed on shutdown. A call that finds no pair (pool
 * empty, pre-warm failed or switched off) binds its own: the cold path, which stays correct.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { DisposableStore } from '../../base/disposable.js';
import { Emitter } from '../../base/event.js';
import { createLogger, nullLogger, type Logger } from '../../base/logger.js';
import { ok, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import type { EchoCancellerFactory } from '../../media/audio/echo-canceller.js';
import { createResampler, type ResamplerFactory } from '../../media/audio/resampler.js';
import type { CallCodecName, CallMedia } from '../../media/call-media.js';
import { CallMediaEngine, warmCallMediaHotPath, type RtpDatagram, type RtpSocket, type RtpSocketError, type RtpSocketFactory, type RtpSocketPairPool } from '../../media/call/index.js';
import type { CodecRegistry } from '../../protocol/codec/index.js';
import { InboundParser } from '../../protocol/sip/message/inbound-parser.js';
import type { SipMessage } from '../../protocol/sip/message/message.js';
import { messageToString, serializeMessage } from '../../protocol/sip/message/serializer.js';
import { SipStreamFramer } from '../../protocol/sip/message/stream-framer.js';
import { maskSipText } from '../diagnostics/sip-masking.js';
import type { TransportAddress } from '../../protocol/sip/transaction/transport-port.js';
import * as v from 'valibot';
import { AccountConfigSchema } from '../../../src-shared/model/account.js';
import { AccountRuntime } from './account-runtime.js';
import { DeferredMedia } from './deferred-media.js';
import type { PhoneEvent } from './phone-service.js';
import type { ConnectionState, SipConnection } from './ports.js';

/** What the pre-warm did (for the bench and the tests); no key material. */
export interface PrewarmReport {
  /** Codecs whose full offer/answer ran. */
  readonly codecs: readonly string[];
  /** The SIP side ran: a canned INVITE through a scratch account's stack, answered, ACKed and ended. */
  readonly sip: boolean;
  /** RTP packets the frame-path warm-up carried (0: not run this time). */
  readonly mediaFrames: number;
  readonly resampler: boolean;
  readonly echoCanceller: boolean | 'none';
  /** Milliseconds the module/JIT warm-up took, in all (with the turns it gave the event loop) and per step. */
  readonly warmMs: number;
  readonly stepMs: Readonly<Record<string, number>>;
  /** Steps that failed (the call path then does them itself). */
  readonly failures: readonly string[];
  /** Steps skipped because a real call had started (the warm-up never competes with a call). */
  readonly gaveWay: readonly string[];
}

/** The part of PhoneService the pre-warm watches. */
export interface PrewarmPhone {
  readonly onEvent: (listener: (e: PhoneEvent) => void) => Disposable;
  readonly accountIds: readonly string[];
  account(id: string): { readonly registration: { readonly state: { readonly kind: string } }; readonly connection: { endpoint(): { readonly viaHost: string } | undefined } } | undefined;
  snapshots(): readonly unknown[];
}

export interface CallPrewarmDeps {
  readonly phone: PrewarmPhone;
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger?: Logger;
  /** The phone's media engine (its codec registry is the one warmed). */
  readonly media: Pick<CallMediaEngine, 'codecs'>;
  readonly pool: RtpSocketPairPool;
  readonly resamplers?: ResamplerFactory;
  readonly echoCanceller?: EchoCancellerFactory;
  /** false: nothing is warmed or pre-bound (every call takes the cold path). Default true. */
  readonly enabled?: boolean;
}

/** The scratch sessions' address (their sockets are stand-ins: nothing is bound). */
const SCRATCH_ADDRESS = '127.0.0.1';
/** Canned incoming calls at the first warm-up (later warm-ups: one). */
const FIRST_SIP_ROUNDS = 8;
/**
 * V8 drops the bytecode of functions unused over several major GCs, so a phone registered for
 * hours would meet its first call half cold again: a registration refresh this long after the
 * last warm-up, with no call in progress, warms again (one round; modules stay loaded).
 */
export const REWARM_AFTER_MS = 10 * 60_000;
const CALL_CODECS: readonly CallCodecName[] = ['opus', 'G722', 'PCMA', 'PCMU'];

export class CallPrewarm implements Disposable {
  private readonly store = new DisposableStore();
  private readonly log: Logger;
  private warmed: Promise<PrewarmReport | undefined> | undefined;
  private report: PrewarmReport | undefined;
  private filling: Promise<void> = Promise.resolve();
  private lastWarmAt = 0;
  private refillTimer: Disposable | undefined;
  private refillDue: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(private readonly deps: CallPrewarmDeps) {
    this.log = (deps.logger ?? nullLogger).child('prewarm');
    if (deps.enabled === false) return;
    this.store.add(
      deps.phone.onEvent((e) => {
        if (e.type === 'registration') this.onRegistration(e.state.kind === 'registered');
        // The ended call leaves the phone's list after its 'ended' event: look on the next turn.
        else if ((e.type === 'call' && e.state.kind === 'ended') || e.type === 'history') this.scheduleRefill();
      }),
    );
  }

  /** The warm-up's report once it ran (undefined: switched off, or no account has registered yet). */
  get lastReport(): PrewarmReport | undefined {
    return this.report;
  }

  /**
   * Resolves when the warm-up and the pool fills started so far are done (a refill the end of a
   * call scheduled included): the report, or undefined when the pre-warm is off or nothing has
   * registered.
   */
  async settled(): Promise<PrewarmReport | undefined> {
    const report = await (this.warmed ?? Promise.resolve(undefined));
    await this.refillDue;
    await this.filling;
    return report;
  }

  /** Sockets waiting in the pool. */
  get pooledSockets(): number {
    return this.deps.pool.sockets;
  }

  /** Closes the pool and stops watching (shutdown). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.store.dispose();
    this.deps.pool.dispose();
  }

  private onRegistration(registered: boolean): void {
    if (this.disposed) return;
    if (registered && this.warmed !== undefined && this.deps.clock.monotonic() - this.lastWarmAt >= REWARM_AFTER_MS && this.deps.phone.snapshots().length === 0) {
      this.lastWarmAt = this.deps.clock.monotonic();
      const previous = this.warmed;
      // After a warm-up that gave way to a call, the whole of it again; otherwise one round.
      const rounds = this.report !== undefined && this.report.gaveWay.length > 0 ? FIRST_SIP_ROUNDS : 1;
      this.warmed = previous.then(async () => (this.disposed ? undefined : this.warm(rounds)));
    }
    if (registered && this.warmed === undefined) {
      this.warmed = new Promise((resolve) => {
        const pending = { dispose: (): void => undefined };
        const timer = this.deps.clock.setTimer(0, () => {
          this.store.delete(pending);
          resolve(this.disposed ? undefined : this.warm(FIRST_SIP_ROUNDS));
        });
        // Shut down before it ran: nothing is warmed, and settled() still resolves.
        pending.dispose = () => {
          timer.dispose();
          resolve(undefined);
        };
        this.store.add(pending);
      });
    }
    const addresses = this.addresses();
    this.deps.pool.release(addresses);
    if (registered) this.refillWhenIdle();
  }

  private callInProgress(): boolean {
    return this.deps.phone.snapshots().length > 0;
  }

  /** The local RTP addresses calls of registered accounts use now (their flow's Via host). */
  private addresses(): string[] {
    const out = new Set<string>();
    for (const id of this.deps.phone.accountIds) {
      const a = this.deps.phone.account(id);
      if (a?.registration.state.kind !== 'registered') continue;
      const host = a.connection.endpoint()?.viaHost;
      if (host !== undefined) out.add(host);
    }
    return [...out];
  }

  private scheduleRefill(): void {
    if (this.disposed || this.refillTimer !== undefined) return;
    this.refillDue = new Promise((resolve) => {
      const pending = { dispose: (): void => undefined };
      const timer = this.deps.clock.setTimer(0, () => {
        this.store.delete(pending);
        this.refillTimer = undefined;
        this.refillWhenIdle();
        resolve();
      });
      pending.dispose = () => {
        timer.dispose();
        resolve();
      };
      this.refillTimer = this.store.add(pending);
    });
  }

  private refillWhenIdle(): void {
    if (this.disposed || this.deps.phone.snapshots().length > 0) return;
    const addresses = this.addresses();
    this.deps.pool.release(addresses);
    this.filling = this.filling.then(async () => {
      if (this.disposed || this.deps.phone.snapshots().length > 0) return;
      const r = await this.deps.pool.fill(addresses);
      if (!r.ok) this.log.warn('RTP sockets could not be bound ahead of calls; calls bind their own', { code: r.error.code });
      // A call may have started while binding: the pool then holds the pair for the next call.
    });
  }

  /** Gives the event loop a turn between steps (an INVITE arriving meanwhile is not held up for the whole warm-up). */
  private yieldTurn(): Promise<void> {
    return new Promise((resolve) => {
      if (this.disposed) return resolve();
      const pending = { dispose: (): void => undefined };
      const timer = this.deps.clock.setTimer(0, () => {
        this.store.delete(pending);
        resolve();
      });
      pending.dispose = () => {
        timer.dispose();
        resolve();
      };
      this.store.add(pending);
    });
  }

  private async warm(sipRounds: number): Promise<PrewarmReport> {
    const started = this.deps.clock.monotonic();
    this.lastWarmAt = started;
    const failures: string[] = [];
    const gaveWay: string[] = [];
    const stepMs: Record<string, number> = {};
    const step = async <T>(name: string, run: () => T | Promise<T>): Promise<T | undefined> => {
      await this.yieldTurn();
      if (this.disposed) return undefined;
      // A real call has started: the warm-up gives way (it must never compete with the call's
      // 20 ms frame timer for the CPU; the call warms its own path). The next registration
      // refresh with no call in progress warms again.
      if (this.callInProgress()) {
        gaveWay.push(name);
        return undefined;
      }
      const at = this.deps.clock.monotonic();
      try {
        return await run();
      } catch (e) {
        failures.push(name);
        this.log.warn('call pre-warm step failed; the first call does it itself', { step: name, cause: String(e) });
        return undefined;
      } finally {
        stepMs[name] = Math.round((this.deps.clock.monotonic() - at) * 10) / 10;
      }
    };
    const registry = await step('codecs', () => this.deps.media.codecs);
    const codecs: string[] = [];
    if (registry !== undefined) {
      for (const factory of registry.all()) {
        const name = CALL_CODECS.find((c) => c.toLowerCase() === factory.descriptor.encodingName.toLowerCase());
        if (name === undefined) continue;
        const ran = await step(`negotiate ${name}`, () => this.negotiate(registry, name));
        if (ran === true) codecs.push(name);
        await step(`codec ${name}`, () => {
          const codec = factory.create({ ptimeMs: 20 });
          try {
            codec.decode(codec.encode(new Int16Array(codec.frameSamples)));
            codec.conceal();
          } finally {
            codec.dispose();
          }
        });
      }
    }
    // Several rounds: code run once is still interpreted; a few more runs move the hot path up V8's tiers.
    let sip: boolean | undefined;
    for (let round = 0; registry !== undefined && round < sipRounds && sip !== false; round++) sip = (await step(round === 0 ? 'sip' : `sip ${round + 1}`, () => this.incomingCall(registry))) ?? false;
    // The per-frame path too (media/call/hot-path-warm-up.ts, issue 16: nothing bound or opened),
    // with the codec a call most likely gets (the path around the codec is shared); only at the
    // first warm-up (~0.5-1 s of CPU here, yielding to the event loop as it goes).
    const frames =
      registry === undefined || sipRounds === 1
        ? undefined
        : await step('media frames', () => warmCallMediaHotPath({ registry, rng: this.deps.rng, shouldStop: () => this.disposed || this.callInProgress(), codecs: registry.find('opus', 48000, 2) === undefined ? ['PCMU'] : ['opus'] }));
    const resampler = await step('resampler', async () => {
      const r = await (this.deps.resamplers ?? createResampler)(8000, 48000);
      r.process(new Int16Array(160));
      r.dispose();
      return true;
    });
    const echo = this.deps.echoCanceller;
    const echoCanceller =
      echo === undefined
        ? ('none' as const)
        : await step('echo canceller', () => {
            const c = echo({ sampleRate: 48000, frameSamples: 960 });
            if (!c.ok) throw new Error(c.error.code);
            c.value.dispose();
            return true;
          });
    const report: PrewarmReport = {
      codecs,
      sip: sip === true,
      mediaFrames: frames?.packetsReceived ?? 0,
      resampler: resampler === true,
      echoCanceller: echoCanceller ?? false,
      warmMs: Math.round((this.deps.clock.monotonic() - started) * 10) / 10,
      stepMs,
      failures,
      gaveWay,
    };
    // Gave way to a call: the next refresh with no call in progress warms again.
    if (gaveWay.length > 0) this.lastWarmAt = Number.NEGATIVE_INFINITY;
    this.report = report;
    this.log.debug('call pre-warm done', { ...report });
    return report;
  }

  /**
   * A canned INVITE (with a real SDES offer) through a scratch account's transaction layer and
   * user agent, answered with a scratch media session (nothing bound, nothing sent on any
   * network), then ACK and BYE: the incoming-call path the first real INVITE takes.
   */
  private async incomingCall(registry: CodecRegistry): Promise<boolean> {
    const engine = new CallMediaEngine({ clock: this.deps.clock, rng: this.deps.rng, sockets: scratchSockets(), codecs: registry, ...(this.deps.resamplers === undefined ? {} : { resamplers: this.deps.resamplers }) });
    const base = { srtp: 'mandatory' as const, signalling: 'tls' as const, allowInsecureSdes: false, localAddress: SCRATCH_ADDRESS, codecs: CALL_CODECS };
    const sent: SipMessage[] = [];
    const { connection, deliver } = scratchConnection(sent);
    const config = v.parse(AccountConfigSchema, { uri: 'sip:prewarm@prewarm.invalid', transport: 'tls' });
    const runtime = new AccountRuntime('prewarm', config, connection, { clock: this.deps.clock, rng: this.deps.rng, logger: scratchLogger(), instanceId: '00000000-0000-4000-8000-000000000000', userAgent: 'prewarm', mediaForIncoming: () => new DeferredMedia() });
    const sessions: CallMedia[] = [];
    try {
      const caller = unwrap(await engine.create({ ...base, callId: 'prewarm-caller' }));
      sessions.push(caller);
      const answerer = unwrap(await engine.create({ ...base, callId: 'prewarm-callee' }));
      sessions.push(answerer);
      const offer = unwrap(caller.createOffer());
      let answered = false;
      const sub = runtime.ua.onIncomingCall(({ call }) => {
        if (call.media instanceof DeferredMedia) call.media.media = answerer;
        call.ring();
        answered = call.answer().ok;
      });
      const dialog = 'From: <sip:caller@prewarm.invalid>;tag=prewarm1\r\nCall-ID: prewarm-call@prewarm.invalid\r\nMax-Forwards: 70\r\n';
      const via = (branch: string): string => `Via: SIP/2.0/TLS ${SCRATCH_ADDRESS}:5061;branch=z9hG4bK${branch};rport\r\n`;
      deliver(
        `INVITE sip:prewarm@${SCRATCH_ADDRESS}:5062;transport=tls SIP/2.0\r\n${via('prewarminv')}${dialog}To: <sip:prewarm@prewarm.invalid>\r\nCSeq: 1 INVITE\r\n` +
          `Contact: <sip:caller@${SCRATCH_ADDRESS}:5061;transport=tls>\r\nSupported: replaces, timer\r\nAllow: INVITE, ACK, CANCEL, BYE, OPTIONS, REFER, NOTIFY, INFO, UPDATE\r\n` +
          `Content-Type: application/sdp\r\nContent-Length: ${Buffer.byteLength(offer)}\r\n\r\n${offer}`,
      );
      sub.dispose();
      const ok200 = sent.find((m) => m.kind === 'response' && m.status === 200);
      if (!answered || ok200 === undefined || ok200.kind !== 'response') throw new Error('the canned INVITE was not answered');
      const to = ok200.headers.get('to') ?? '';
      unwrap(caller.applyAnswer(ok200.body));
      deliver(`ACK sip:prewarm@${SCRATCH_ADDRESS}:5062;transport=tls SIP/2.0\r\n${via('prewarmack')}${dialog}To: ${to}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n`);
      deliver(`BYE sip:prewarm@${SCRATCH_ADDRESS}:5062;transport=tls SIP/2.0\r\n${via('prewarmbye')}${dialog}To: ${to}\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n`);
      return true;
    } finally {
      for (const s of sessions) s.dispose();
      runtime.dispose();
      connection.dispose();
    }
  }

  /** One offer/answer round with codec `name` between two scratch sessions (nothing bound, nothing sent). */
  private async negotiate(registry: CodecRegistry, name: CallCodecName): Promise<boolean> {
    const engine = new CallMediaEngine({ clock: this.deps.clock, rng: this.deps.rng, sockets: scratchSockets(), codecs: registry, ...(this.deps.resamplers === undefined ? {} : { resamplers: this.deps.resamplers }) });
    const base = { srtp: 'mandatory' as const, signalling: 'tls' as const, allowInsecureSdes: false, localAddress: SCRATCH_ADDRESS, codecs: [name] };
    const sessions: CallMedia[] = [];
    try {
      const offerer = unwrap(await engine.create({ ...base, callId: 'prewarm-offer' }));
      sessions.push(offerer);
      const answerer = unwrap(await engine.create({ ...base, callId: 'prewarm-answer' }));
      sessions.push(answerer);
      const offer = unwrap(offerer.createOffer());
      const answer = unwrap(answerer.answerOffer(offer));
      unwrap(offerer.applyAnswer(answer.sdp));
      return true;
    } finally {
      for (const s of sessions) s.dispose();
    }
  }
}

const SCRATCH_PEER: TransportAddress = { transport: 'TLS', host: SCRATCH_ADDRESS, port: 5061, connectionId: 'prewarm' };

/**
 * A connection that is "connected" and sends into `sent`: what a scratch account's stack needs.
 * Both ways it does what the real flow and the SIP log do with a message (serialize; frame, parse;
 * mask for the SIP log), without a socket.
 */
function scratchConnection(sent: SipMessage[]): { connection: SipConnection; deliver(text: string): void } {
  let sink: { receive(message: SipMessage, source: TransportAddress): void } | undefined;
  const states = new Emitter<ConnectionState>();
  const binding = new Emitter<void>();
  const framer = new SipStreamFramer();
  const parser = new InboundParser();
  const state: ConnectionState = { kind: 'connected', transport: 'tls', remote: `${SCRATCH_ADDRESS}:5061`, sdesAllowed: true, skipped: [] };
  const connection: SipConnection = {
    transport: {
      reliable: true,
      send: (message) => {
        sent.push(message);
        serializeMessage(message);
        maskSipText(messageToString(message));
        return true;
      },
    },
    connect: (s) => {
      sink = s;
      return { dispose: () => (sink = undefined) };
    },
    endpoint: () => ({ transport: 'TLS', viaHost: SCRATCH_ADDRESS, viaPort: 5062, contactHost: SCRATCH_ADDRESS, contactPort: 5062, destination: SCRATCH_PEER }),
    state,
    onState: states.event,
    onBindingChanged: binding.event,
    start: () => undefined,
    stop: () => undefined,
    reconnectNow: () => undefined,
    setServerFlowTimer: () => undefined,
    certificateReport: () => undefined,
    dispose: () => {
      states.dispose();
      binding.dispose();
    },
  };
  const deliver = (text: string): void => {
    for (const e of framer.push(Buffer.from(text))) {
      if (e.kind !== 'message') continue;
      const r = parser.accept(e.bytes);
      if (r.kind !== 'message') throw new Error(`canned SIP message: ${r.kind === 'rejected' ? r.error.message : r.kind}`);
      maskSipText(messageToString(r.message));
      sink?.receive(r.message, SCRATCH_PEER);
    }
  };
  return { connection, deliver };
}

/** A logger that redacts like the phone's (the wire log of every message) and writes nowhere. */
const scratchLogger = (): Logger => createLogger({ sinks: [{ write: () => undefined }], level: 'debug', scope: 'prewarm' });

function unwrap<T>(r: Result<T, { readonly code: string; readonly message: string }>): T {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
}

/** Socket stand-ins for the scratch sessions: bind nothing, send nowhere, receive nothing. */
function scratchSockets(): RtpSocketFactory {
  let next = 40000;
  return {
    bind: (address, port) => {
      const localPort = port === 0 ? (next += 2) : port;
      const datagrams = new Emitter<RtpDatagram>();
      const errors = new Emitter<RtpSocketError>();
      const socket: RtpSocket = {
        localAddress: address,
        localPort,
        send: () => undefined,
        onDatagram: datagrams.event,
        onError: errors.event,
        sendErrors: 0,
        dispose: () => {
          datagrams.dispose();
          errors.dispose();
        },
      };
      return Promise.resolve(ok(socket));
    },
  };
}
