/**
 * The call pre-warm (call-prewarm.ts) with real UDP sockets on 127.0.0.1 and the real media
 * engine: what it binds after a registration, that a call takes the pre-bound pair, that nothing
 * is left after shutdown, and that calls still get media when the pool is empty or the pre-warm
 * failed (the cold path).
 */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter } from '../../base/event.js';
import { err, type Result } from '../../base/result.js';
import { CryptoRng } from '../../base/rng.js';
import type { CallMediaOptions } from '../../media/call-media.js';
import { CallMediaEngine, RtpSocketPairPool, type CallMediaSession, type RtpSocket, type RtpSocketError, type RtpSocketFactory } from '../../media/call/index.js';
import { NodeRtpSocketFactory } from '../../platform/net/rtp-socket.js';
import { CallPrewarm, REWARM_AFTER_MS, type PrewarmPhone } from './call-prewarm.js';
import type { PhoneEvent } from './phone-service.js';

/** The real clock, whose monotonic time a test can move forward (the pre-warm's re-warm interval). */
class ShiftableClock extends SystemClock {
  shift = 0;
  override monotonic(): number {
    return super.monotonic() + this.shift;
  }
}
const clock = new ShiftableClock();
const rng = new CryptoRng();

/** Real loopback sockets, counted: which ports are bound now. */
class CountingSockets implements RtpSocketFactory {
  readonly open = new Set<number>();
  binds = 0;
  /** Refuse this many binds (a pre-warm that cannot bind). */
  refuse = 0;
  private readonly inner = new NodeRtpSocketFactory();

  async bind(address: string, port: number): Promise<Result<RtpSocket, RtpSocketError>> {
    if (this.refuse > 0) {
      this.refuse--;
      return err({ code: 'bind-failed', message: 'refused by the test' });
    }
    const r = await this.inner.bind(address, port);
    if (!r.ok) return r;
    this.binds++;
    const socket = r.value;
    this.open.add(socket.localPort);
    const dispose = socket.dispose.bind(socket);
    return {
      ok: true,
      value: Object.assign(Object.create(socket) as RtpSocket, {
        dispose: () => {
          this.open.delete(socket.localPort);
          dispose();
        },
      }),
    };
  }
}

/** The part of the phone the pre-warm watches: one account, registered or not, and the calls in progress. */
class FakePhone implements PrewarmPhone {
  private readonly events = new Emitter<PhoneEvent>();
  readonly onEvent = this.events.event;
  readonly accountIds = ['a'];
  registered = false;
  calls: unknown[] = [];

  account(): ReturnType<PrewarmPhone['account']> {
    return { registration: { state: { kind: this.registered ? 'registered' : 'unregistered' } }, connection: { endpoint: () => ({ viaHost: '127.0.0.1' }) } };
  }

  snapshots(): readonly unknown[] {
    return this.calls;
  }

  register(registered: boolean): void {
    this.registered = registered;
    this.events.fire({ type: 'registration', accountId: 'a', state: registered ? { kind: 'registered', expires: 600, contact: '<sip:a@127.0.0.1>', registeredAt: 0 } : { kind: 'unregistered' } });
  }

  /** As PhoneService does it: the 'ended' event while the call is still listed, then it goes, then 'history'. */
  callEnded(): void {
    this.events.fire({ type: 'call', call: { callId: 'c1', accountId: 'a', direction: 'incoming', remote: 'sip:b@example.invalid' }, state: { kind: 'ended', reason: { code: 'hangup-remote' } } });
    this.calls.pop();
    this.events.fire({ type: 'history', record: { id: 'a:c1', accountId: 'a', direction: 'incoming', remote: 'sip:b@example.invalid', startedAt: new Date(0).toISOString(), durationSeconds: 1, answered: true, outcome: 'hangup-remote', tls: true, srtp: true } });
  }
}

const OPTIONS: CallMediaOptions = { callId: 'c1', srtp: 'mandatory', signalling: 'tls', allowInsecureSdes: false, codecs: ['PCMU'], localAddress: '127.0.0.1' };

/** Whether a UDP port on 127.0.0.1 can be bound now (false: someone holds it). */
function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Whether the port becomes bindable within a second (a closed dgram socket lets go on a later tick). */
async function freedSoon(port: number): Promise<boolean> {
  for (let i = 0; i < 40; i++) {
    if (await canBind(port)) return true;
    await new Promise<void>((resolve) => setTimeout(() => resolve(), RETRY_MS));
  }
  return false;
}
const RETRY_MS = 25;

const live: Disposable[] = [];
afterEach(() => {
  for (const d of live.splice(0)) d.dispose();
});

function setUp(options: { enabled?: boolean; echoFails?: boolean } = {}): { sockets: CountingSockets; phone: FakePhone; pool: RtpSocketPairPool; media: CallMediaEngine; prewarm: CallPrewarm } {
  const sockets = new CountingSockets();
  const phone = new FakePhone();
  const pool = new RtpSocketPairPool(sockets, rng);
  const media = new CallMediaEngine({ clock, rng, sockets, pool });
  const prewarm = new CallPrewarm({
    phone,
    clock,
    rng,
    media,
    pool,
    ...(options.echoFails === true ? { echoCanceller: () => err({ code: 'aec-unavailable' as const, message: 'no addon in this test' }) } : {}),
    ...(options.enabled === undefined ? {} : { enabled: options.enabled }),
  });
  live.push(prewarm);
  return { sockets, phone, pool, media, prewarm };
}

async function createCall(media: CallMediaEngine): Promise<CallMediaSession> {
  const r = await media.create(OPTIONS);
  if (!r.ok) throw new Error(`media not created: ${r.error.code}: ${r.error.message}`);
  live.push(r.value);
  return r.value as CallMediaSession;
}

describe('call pre-warm', () => {
  it('after a registration, warms every codec, the SIP answer path and the resampler, and holds one bound RTP/RTCP pair on loopback', async () => {
    const { sockets, phone, pool, prewarm } = setUp();
    expect(sockets.open.size).toBe(0);
    phone.register(true);
    const report = await prewarm.settled();
    expect(report).toBeDefined();
    expect(report!.failures).toEqual([]);
    expect(report!.sip).toBe(true);
    expect(report!.resampler).toBe(true);
    expect(report!.mediaFrames).toBeGreaterThan(0);
    expect(report!.codecs).toEqual(expect.arrayContaining(['PCMU', 'PCMA', 'G722']));
    expect(pool.sockets).toBe(2);
    expect(pool.addresses).toEqual(['127.0.0.1']);
    const [rtp, rtcp] = [...sockets.open].sort((a, b) => a - b);
    expect(rtp! % 2).toBe(0);
    expect(rtcp).toBe(rtp! + 1);
    // Really bound: nobody else can take the ports.
    expect(await canBind(rtp!)).toBe(false);
    expect(await canBind(rtcp!)).toBe(false);
  });

  it('a call takes the pre-bound pair (no bind on its path); the pool refills only once no call is in progress', async () => {
    const { sockets, phone, pool, media, prewarm } = setUp();
    phone.register(true);
    await prewarm.settled();
    const pooled = [...sockets.open].sort((a, b) => a - b);
    const binds = sockets.binds;
    phone.calls = [{}];
    const call = await createCall(media);
    expect(call.diagnostics().localRtpPort).toBe(pooled[0]);
    expect(sockets.binds).toBe(binds);
    expect(pool.sockets).toBe(0);
    // A second call while the first is in progress binds its own; nothing is refilled meanwhile.
    phone.calls.push({});
    const second = await createCall(media);
    expect(second.diagnostics().localRtpPort).not.toBe(pooled[0]);
    second.dispose();
    phone.callEnded();
    await prewarm.settled();
    expect(pool.sockets).toBe(0);
    expect(sockets.open.size).toBe(2);
    // The last call ends (it is still listed when its 'ended' event comes): a pair is bound again.
    call.dispose();
    phone.callEnded();
    await prewarm.settled();
    expect(pool.sockets).toBe(2);
    expect(sockets.open.size).toBe(2);
  });

  it('unregistering empties the pool, and shutdown leaves no socket bound', async () => {
    const { sockets, phone, pool, prewarm } = setUp();
    phone.register(true);
    await prewarm.settled();
    expect(sockets.open.size).toBe(2);
    phone.register(false);
    expect(pool.sockets).toBe(0);
    expect(sockets.open.size).toBe(0);
    phone.register(true);
    await prewarm.settled();
    expect(pool.sockets).toBe(2);
    const held = [...sockets.open];
    prewarm.dispose();
    expect(pool.sockets).toBe(0);
    expect(sockets.open.size).toBe(0);
    for (const port of held) expect(await freedSoon(port), `port ${port} still bound after shutdown`).toBe(true);
    // After shutdown a registration event binds nothing.
    phone.register(true);
    await prewarm.settled();
    expect(sockets.open.size).toBe(0);
  });

  it('when the pre-warm cannot bind or a step fails, the call still gets media on the cold path', async () => {
    const { sockets, phone, pool, media, prewarm } = setUp({ echoFails: true });
    // The pool's bind is refused (not "address in use": allocation gives up at once).
    sockets.refuse = 1;
    phone.register(true);
    const report = await prewarm.settled();
    expect(report!.failures).toEqual(['echo canceller']);
    expect(report!.echoCanceller).toBe(false);
    expect(pool.sockets).toBe(0);
    sockets.refuse = 0;
    const call = await createCall(media);
    expect(sockets.open.has(call.diagnostics().localRtpPort)).toBe(true);
    const answer = call.createOffer();
    expect(answer.ok).toBe(true);
  });

  it('a registration refresh warms again only once the re-warm interval has passed with no call in progress', async () => {
    const { phone, prewarm } = setUp();
    phone.register(true);
    const first = await prewarm.settled();
    expect(first!.stepMs).toHaveProperty('sip 8');
    phone.register(true);
    expect(await prewarm.settled()).toBe(first);
    clock.shift += REWARM_AFTER_MS;
    phone.calls = [{}];
    phone.register(true);
    expect(await prewarm.settled()).toBe(first);
    phone.calls = [];
    phone.register(true);
    const again = await prewarm.settled();
    expect(again).not.toBe(first);
    expect(again!.failures).toEqual([]);
    expect(again!.sip).toBe(true);
    // One canned call this time: the modules are loaded and the code was run before.
    expect(again!.stepMs).toHaveProperty('sip');
    expect(again!.stepMs).not.toHaveProperty('sip 2');
  });

  it('gives way to a call that starts during the warm-up (no further step runs), and the next idle refresh warms again', async () => {
    const { phone, prewarm } = setUp();
    phone.register(true);
    // The call arrives right after the registration: the warm-up's first turn finds it.
    phone.calls = [{}];
    const report = await prewarm.settled();
    expect(report!.gaveWay.length).toBeGreaterThan(0);
    expect(report!.gaveWay).toEqual(expect.arrayContaining(['codecs', 'resampler']));
    expect(report!.sip).toBe(false);
    expect(report!.mediaFrames).toBe(0);
    expect(Object.keys(report!.stepMs)).toEqual([]);
    // The call is over: the next refresh warms everything (no waiting for the re-warm interval).
    phone.calls = [];
    phone.register(true);
    const again = await prewarm.settled();
    expect(again).not.toBe(report);
    expect(again!.gaveWay).toEqual([]);
    expect(again!.failures).toEqual([]);
    expect(again!.sip).toBe(true);
    // The whole warm-up, not the one-round refresh: the first never ran.
    expect(again!.stepMs).toHaveProperty('sip 8');
    expect(again!.mediaFrames).toBeGreaterThan(0);
  });

  it('switched off, nothing is warmed or bound, and calls bind their own sockets', async () => {
    const { sockets, phone, pool, media, prewarm } = setUp({ enabled: false });
    phone.register(true);
    expect(await prewarm.settled()).toBeUndefined();
    expect(pool.sockets).toBe(0);
    expect(sockets.open.size).toBe(0);
    const call = await createCall(media);
    expect(sockets.open.size).toBe(2);
    expect(sockets.open.has(call.diagnostics().localRtpPort)).toBe(true);
  });
});
