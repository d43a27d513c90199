import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../../test/fakes/fake-rng.js';
import { nullLogger } from '../../../base/logger.js';
import type { Result } from '../../../base/result.js';
import { DigestClient } from '../auth/digest-client.js';
import type { SipMessage, SipRequest } from '../message/message.js';
import { parseNameAddr } from '../message/name-addr.js';
import type { SipUri } from '../message/uri.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import type { TransportAddress, TransportPort } from '../transaction/transport-port.js';
import type { CallEvent, CallSession, CallState, SdpFailure, SdpHandler } from './call-session.js';
import { UaStack } from './ua-stack.js';
import { UserAgent } from './user-agent.js';

/**
 * Two user agents wired back to back over an in-memory reliable transport and a fake clock:
 * session timers (RFC 4028 refresh at SE/2, BYE at expiry, 422 + Min-SE retry), hold glare
 * and INFO DTMF without any network.
 */
const sdp = (tag: string): string => `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/SAVP 0\r\na=${tag}\r\n`;

class FakeMedia implements SdpHandler {
  offers: string[] = [];
  /** When set, offers from the peer are refused with this failure. */
  refuse: SdpFailure | undefined;
  createOffer(direction = 'sendrecv'): Result<string, SdpFailure> {
    this.offers.push(direction);
    return { ok: true, value: sdp(direction) };
  }
  applyAnswer(): Result<unknown, SdpFailure> {
    return { ok: true, value: undefined };
  }
  answerOffer(offer: Uint8Array | string): Result<{ sdp: string }, SdpFailure> {
    if (this.refuse !== undefined) return { ok: false, error: this.refuse };
    const text = Buffer.from(offer).toString();
    return { ok: true, value: { sdp: sdp(text.includes('a=sendonly') ? 'recvonly' : 'sendrecv') } };
  }
}

interface Side {
  ua: UserAgent;
  sent: SipRequest[];
  media: FakeMedia;
  drop: boolean;
  /** False: no flow (the endpoint provider returns nothing). */
  connected: boolean;
}

function pair(opts: { sessionExpiresA?: number; reliable?: boolean } = {}) {
  const clock = new FakeClock();
  const rng = new FakeRng(3);
  const addr = (host: string): TransportAddress => ({ transport: 'TLS', host, port: 5061 });
  const sides: Record<'a' | 'b', Side> = {} as Record<'a' | 'b', Side>;
  const make = (name: 'a' | 'b', peer: 'a' | 'b', sessionExpires: number): Side => {
    const sent: SipRequest[] = [];
    const transport: TransportPort = {
      reliable: opts.reliable ?? true,
      send(message: SipMessage) {
        if (sides[name].drop) return true;
        if (message.kind === 'request') sent.push(message);
        queueMicrotask(() => layers[peer]?.receive(message, addr(name)));
        return true;
      },
    };
    const layer = new TransactionLayer({ transport, clock });
    layers[name] = layer;
    const aor = parseNameAddr(`sip:${name}@example.test`)!.uri as SipUri;
    const stack = new UaStack({ aor, instanceId: `urn:uuid:0000000${name === 'a' ? 1 : 2}-0000-4000-8000-000000000000` }, layer, new DigestClient({ credentials: { username: name, password: 'x' }, rng }), () => (sides[name].connected ? { transport: 'TLS', viaHost: name, viaPort: 5061, contactHost: name, contactPort: 5061, destination: addr(peer) } : undefined), rng, 'test');
    const media = new FakeMedia();
    const ua = new UserAgent({ stack, clock, logger: nullLogger, sessionExpires, mediaForIncoming: () => media });
    return { ua, sent, media, drop: false, connected: true };
  };
  const layers: Record<string, TransactionLayer> = {};
  sides.a = make('a', 'b', opts.sessionExpiresA ?? 90);
  sides.b = make('b', 'a', 1800);
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return { clock, a: sides.a, b: sides.b, flush };
}

/** Calls b from a; `onIncoming` decides what b does (the caller's events are recorded from the start). */
function dial(p: ReturnType<typeof pair>, onIncoming: (call: CallSession) => void): { caller: CallSession; callerEvents: CallEvent[]; callee: () => CallSession | undefined } {
  let callee: CallSession | undefined;
  p.b.ua.onIncomingCall(({ call }) => {
    callee = call;
    onIncoming(call);
  });
  const started = p.a.ua.startCall(parseNameAddr('sip:b@example.test')!.uri, p.a.media);
  if (!started.ok) throw new Error(started.error.message);
  const callerEvents: CallEvent[] = [];
  started.value.onEvent((e) => callerEvents.push(e));
  return { caller: started.value, callerEvents, callee: () => callee };
}

const states = (events: readonly CallEvent[]): CallState[] => events.flatMap((e) => (e.kind === 'state' ? [e.state] : []));

async function connect(p: ReturnType<typeof pair>): Promise<{ caller: CallSession; callee: CallSession; calleeEvents: CallEvent[] }> {
  let callee: CallSession | undefined;
  const calleeEvents: CallEvent[] = [];
  p.b.ua.onIncomingCall(({ call }) => {
    callee = call;
    call.onEvent((e) => calleeEvents.push(e));
    call.ring();
    call.answer();
  });
  const target = parseNameAddr('sip:b@example.test')!.uri;
  const started = p.a.ua.startCall(target, p.a.media);
  if (!started.ok) throw new Error(started.error.message);
  const caller = started.value;
  await p.flush();
  expect(caller.state.kind).toBe('active');
  expect(callee?.state.kind).toBe('active');
  return { caller, callee: callee!, calleeEvents };
}

describe('CallSession between two user agents (in memory)', () => {
  it('RFC 4028: the refresher (UAC) re-INVITEs at SE/2 and the session stays up', async () => {
    const p = pair({ sessionExpiresA: 90 });
    const { caller, callee } = await connect(p);
    expect(caller.sessionTimerInfo).toEqual({ interval: 90, weRefresh: true });
    expect(callee.sessionTimerInfo).toEqual({ interval: 90, weRefresh: false });
    const invites = (): number => p.a.sent.filter((r) => r.method === 'INVITE').length;
    expect(invites()).toBe(1);
    p.clock.advance(45_000);
    await p.flush();
    expect(invites()).toBe(2);
    for (let t = 0; t < 8; t++) {
      p.clock.advance(25_000);
      await p.flush();
    }
    expect(caller.state.kind, JSON.stringify(caller.state)).toBe('active');
    expect(callee.state.kind, JSON.stringify(callee.state)).toBe('active');
    expect(invites()).toBeGreaterThanOrEqual(6);
  });

  it('RFC 4028: without refreshes the other side ends the session with BYE at SE - min(32, SE/3)', async () => {
    const p = pair({ sessionExpiresA: 90 });
    const { callee } = await connect(p);
    p.a.drop = true; // the refresher goes silent
    p.clock.advance(59_000);
    await p.flush();
    expect(callee.state.kind).toBe('active');
    p.clock.advance(1_500);
    await p.flush();
    expect(callee.state).toMatchObject({ kind: 'ended', reason: { code: 'session-expired' } });
    expect(p.b.sent.at(-1)?.method).toBe('BYE');
  });

  it('RFC 4028 §6: an interval below Min-SE gets 422, and the caller retries with the Min-SE', async () => {
    const p = pair({ sessionExpiresA: 30 });
    const { caller } = await connect(p);
    const invites = p.a.sent.filter((r) => r.method === 'INVITE');
    expect(invites.map((r) => r.headers.get('session-expires'))).toEqual(['30', '90']);
    expect(caller.sessionTimerInfo?.interval).toBe(90);
  });

  it('hold and resume by re-INVITE: the callee sees the remote hold; INFO DTMF arrives', async () => {
    const p = pair();
    const { caller, callee, calleeEvents } = await connect(p);
    expect(caller.setHold(true).ok).toBe(true);
    await p.flush();
    expect(caller.state).toMatchObject({ kind: 'active', localHold: true });
    expect(callee.state).toMatchObject({ kind: 'active', remoteHold: true });
    expect(p.a.media.offers).toEqual(['sendrecv', 'sendonly']);
    caller.setHold(false);
    await p.flush();
    expect(callee.state).toMatchObject({ kind: 'active', remoteHold: false });
    expect(caller.sendDtmfInfo('5').ok).toBe(true);
    await p.flush();
    expect(calleeEvents.filter((e) => e.kind === 'dtmf')).toEqual([{ kind: 'dtmf', digit: '5', durationMs: 160, via: 'info' }]);
    caller.hangup();
    await p.flush();
    expect(callee.state).toMatchObject({ kind: 'ended', reason: { code: 'hangup-remote' } });
  });
});

describe('CallSession phases in its emitted states', () => {
  it('outgoing: calling → ringing → cancelling → ended (cancelled, 487); the callee sees a missed call', async () => {
    const p = pair();
    const { caller, callerEvents, callee } = dial(p, (call) => call.ring());
    expect(caller.state).toEqual({ kind: 'calling' });
    await p.flush();
    expect(caller.state).toEqual({ kind: 'ringing', status: 180, earlyMedia: false });
    caller.hangup();
    expect(caller.state).toEqual({ kind: 'cancelling' });
    caller.hangup(); // a second hang-up while cancelling changes nothing
    await p.flush();
    expect(states(callerEvents)).toEqual([
      { kind: 'ringing', status: 180, earlyMedia: false },
      { kind: 'cancelling' },
      { kind: 'ended', reason: { code: 'cancelled', status: 487 } },
    ]);
    expect(callee()?.state).toEqual({ kind: 'ended', reason: { code: 'missed', status: 487 } });
    expect(p.a.sent.filter((r) => r.method === 'CANCEL')).toHaveLength(1);
  });

  it('outgoing: without any final response after CANCEL the call ends after CANCEL_GIVE_UP_MS (cause cancel-timeout)', async () => {
    const p = pair();
    const { caller } = dial(p, (call) => call.ring());
    await p.flush();
    p.b.drop = true; // the callee goes silent: no 200 to the CANCEL, no 487
    caller.hangup();
    await p.flush();
    expect(caller.state.kind).toBe('cancelling');
    p.clock.advance(4000);
    expect(caller.state).toEqual({ kind: 'ended', reason: { code: 'cancelled', status: 487, cause: 'cancel-timeout' } });
  });

  it('a decline reaches the caller as a code with the status and the peer\'s reason phrase', async () => {
    const p = pair();
    const { caller } = dial(p, (call) => call.decline(486));
    await p.flush();
    expect(caller.state).toEqual({ kind: 'ended', reason: { code: 'busy', status: 486, peerText: 'Busy Here' } });
  });

  it('an offer our media refuses: 488 with a Warning; the callee ends media-refused with the media code, the caller sees the Warning verbatim', async () => {
    const p = pair();
    p.b.media.refuse = { code: 'not-acceptable', message: 'no common "SRTP" suite', sipStatus: 488 };
    let answered: ReturnType<CallSession['answer']> | undefined;
    const { caller, callee } = dial(p, (call) => (answered = call.answer()));
    await p.flush();
    expect(answered).toEqual({ ok: false, error: { code: 'media-failed', media: p.b.media.refuse } });
    expect(callee()?.state).toEqual({ kind: 'ended', reason: { code: 'media-refused', status: 488, mediaCode: 'not-acceptable', cause: 'offer-not-acceptable' } });
    expect(caller.state).toEqual({ kind: 'ended', reason: { code: 'media-refused', status: 488, peerText: `399 softphone "no common 'SRTP' suite"` } });
  });

  it('hold: the state shows change "hold" while the re-INVITE is in flight, then the hold; a second change meanwhile is refused', async () => {
    const p = pair();
    const { caller } = await connect(p);
    const events: CallEvent[] = [];
    caller.onEvent((e) => events.push(e));
    expect(caller.setHold(true)).toEqual({ ok: true, value: undefined });
    expect(caller.state).toEqual({ kind: 'active', localHold: false, remoteHold: false, change: 'hold' });
    expect(caller.setHold(false)).toEqual({ ok: false, error: { code: 'change-pending' } });
    await p.flush();
    caller.setHold(false);
    await p.flush();
    expect(states(events)).toEqual([
      { kind: 'active', localHold: false, remoteHold: false, change: 'hold' },
      { kind: 'active', localHold: true, remoteHold: false },
      { kind: 'active', localHold: true, remoteHold: false, change: 'resume' },
      { kind: 'active', localHold: false, remoteHold: false },
    ]);
  });

  it('RFC 4028 refresh shows as change "refresh" and clears', async () => {
    const p = pair({ sessionExpiresA: 90 });
    const { caller } = await connect(p);
    const events: CallEvent[] = [];
    caller.onEvent((e) => events.push(e));
    p.clock.advance(45_000);
    expect(caller.state).toMatchObject({ kind: 'active', change: 'refresh' });
    await p.flush();
    expect(states(events)).toEqual([
      { kind: 'active', localHold: false, remoteHold: false, change: 'refresh' },
      { kind: 'active', localHold: false, remoteHold: false },
    ]);
  });

  it('§14.1 glare: both hold at once, both get 491, back off (the change stays visible) and both end up on hold', async () => {
    const p = pair();
    const { caller, callee } = await connect(p);
    expect(caller.setHold(true).ok).toBe(true);
    expect(callee.setHold(true).ok).toBe(true);
    await p.flush();
    expect(caller.state).toMatchObject({ kind: 'active', localHold: false, change: 'hold' });
    expect(callee.state).toMatchObject({ kind: 'active', localHold: false, change: 'hold' });
    for (let t = 0; t < 8; t++) {
      p.clock.advance(500);
      await p.flush();
    }
    expect(caller.state).toEqual({ kind: 'active', localHold: true, remoteHold: true });
    expect(callee.state).toEqual({ kind: 'active', localHold: true, remoteHold: true });
    // Each side: its re-INVITE refused with 491, then sent again (the caller also sent the first INVITE).
    expect(p.a.sent.filter((r) => r.method === 'INVITE')).toHaveLength(3);
    expect(p.b.sent.filter((r) => r.method === 'INVITE')).toHaveLength(2);
  });

  it('blind transfer: transfer "blind" while the REFER is out, then BYE after the final NOTIFY 200 (RFC 5589 §6.1)', async () => {
    const p = pair();
    const { caller, callee, calleeEvents } = await connect(p);
    const events: CallEvent[] = [];
    caller.onEvent((e) => events.push(e));
    const target = parseNameAddr('sip:c@example.test')!.uri;
    expect(caller.transfer(target).ok).toBe(true);
    expect(caller.state).toEqual({ kind: 'active', localHold: false, remoteHold: false, transfer: 'blind' });
    expect(caller.transfer(target)).toEqual({ ok: false, error: { code: 'transfer-pending' } });
    await p.flush();
    expect(calleeEvents.find((e) => e.kind === 'refer')).toMatchObject({ kind: 'refer', referTo: { uri: { user: 'c' } } });
    callee.notifyRefer(200, 'OK');
    await p.flush();
    expect(events.filter((e) => e.kind === 'transfer-progress')).toEqual([
      { kind: 'transfer-progress', status: 100, reasonPhrase: 'Trying' },
      { kind: 'transfer-progress', status: 200, reasonPhrase: 'OK' },
    ]);
    expect(caller.state).toEqual({ kind: 'ended', reason: { code: 'transferred' } });
    expect(callee.state).toEqual({ kind: 'ended', reason: { code: 'hangup-remote' } });
  });

  it('attended transfer that fails: transfer "attended" clears on the final NOTIFY 486 and the call stays', async () => {
    const p = pair();
    const { caller, callee } = await connect(p);
    expect(caller.transfer(parseNameAddr('sip:c@example.test')!.uri, 'abc;to-tag=1;from-tag=2').ok).toBe(true);
    expect(caller.state).toMatchObject({ kind: 'active', transfer: 'attended' });
    await p.flush();
    expect(p.a.sent.find((r) => r.method === 'REFER')?.headers.get('refer-to')).toContain('Replaces=');
    callee.notifyRefer(486, 'Busy Here');
    await p.flush();
    expect(caller.state).toEqual({ kind: 'active', localHold: false, remoteHold: false });
  });

  it('a transfer whose target never reports a final status clears when the subscription expires (issue 15: not held forever)', async () => {
    const p = pair();
    const { caller, callee } = await connect(p);
    const events: CallEvent[] = [];
    caller.onEvent((e) => events.push(e));
    expect(caller.transfer(parseNameAddr('sip:c@example.test')!.uri).ok).toBe(true);
    await p.flush();
    // The callee accepted (202) and said 100 Trying with Subscription-State: active;expires=60, then nothing.
    for (let t = 0; t < 59; t++) {
      p.clock.advance(1000);
      await p.flush();
    }
    expect(caller.state).toMatchObject({ kind: 'active', transfer: 'blind' });
    for (let t = 0; t < 2; t++) {
      p.clock.advance(1000);
      await p.flush();
    }
    expect(caller.state).toEqual({ kind: 'active', localHold: false, remoteHold: false });
    expect(events).toContainEqual({ kind: 'error', code: 'transfer-refused', status: 408 });
    expect(callee.state.kind).toBe('active');
  });

  it('§13.3.1.4 over an unreliable transport: the 2xx is retransmitted until 64·T1, then BYE (cause no-ack)', async () => {
    const p = pair({ reliable: false });
    const { callee } = dial(p, (call) => call.answer());
    p.a.drop = true; // the caller's INVITE is on its way; its ACK will never be
    await p.flush();
    expect(callee()?.state).toEqual({ kind: 'answering' });
    for (let t = 0; t < 40; t++) {
      p.clock.advance(1000);
      await p.flush();
    }
    expect(callee()?.state).toEqual({ kind: 'ended', reason: { code: 'failed', cause: 'no-ack' } });
    expect(p.b.sent.at(-1)?.method).toBe('BYE');
  });

  it('actions answer with codes: not-ringing, not-connected, invalid-digit, no-connection', async () => {
    const p = pair();
    const { caller } = dial(p, () => undefined);
    expect(caller.answer()).toEqual({ ok: false, error: { code: 'not-ringing' } });
    expect(caller.setHold(true)).toEqual({ ok: false, error: { code: 'not-connected' } });
    expect(caller.transfer(parseNameAddr('sip:c@example.test')!.uri)).toEqual({ ok: false, error: { code: 'not-connected' } });
    expect(caller.sendDtmfInfo('5')).toEqual({ ok: false, error: { code: 'not-connected' } });
    expect(caller.sendDtmfInfo('x')).toEqual({ ok: false, error: { code: 'invalid-digit' } });
    caller.hangup();
    const q = pair();
    const { caller: up } = await connect(q);
    q.a.connected = false;
    expect(up.sendDtmfInfo('5')).toEqual({ ok: false, error: { code: 'no-connection' } });
    expect(up.setHold(true)).toEqual({ ok: false, error: { code: 'no-connection' } });
    expect(up.state).toEqual({ kind: 'active', localHold: false, remoteHold: false });
  });

  it('a refused hold is an error code with the status, and the change clears', async () => {
    const p = pair();
    const { caller } = await connect(p);
    p.b.media.refuse = { code: 'not-acceptable', message: 'no', sipStatus: 488 };
    const events: CallEvent[] = [];
    caller.onEvent((e) => events.push(e));
    caller.setHold(true);
    await p.flush();
    expect(events.filter((e) => e.kind === 'error')).toEqual([{ kind: 'error', code: 'hold-refused', status: 488 }]);
    expect(caller.state).toEqual({ kind: 'active', localHold: false, remoteHold: false });
  });
});
