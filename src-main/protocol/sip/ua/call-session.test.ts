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
import type { CallEvent, CallSession, SdpFailure, SdpHandler } from './call-session.js';
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
  createOffer(direction = 'sendrecv'): Result<string, SdpFailure> {
    this.offers.push(direction);
    return { ok: true, value: sdp(direction) };
  }
  applyAnswer(): Result<unknown, SdpFailure> {
    return { ok: true, value: undefined };
  }
  answerOffer(offer: Uint8Array | string): Result<{ sdp: string }, SdpFailure> {
    const text = Buffer.from(offer).toString();
    return { ok: true, value: { sdp: sdp(text.includes('a=sendonly') ? 'recvonly' : 'sendrecv') } };
  }
}

interface Side {
  ua: UserAgent;
  sent: SipRequest[];
  media: FakeMedia;
  drop: boolean;
}

function pair(opts: { sessionExpiresA?: number } = {}) {
  const clock = new FakeClock();
  const rng = new FakeRng(3);
  const addr = (host: string): TransportAddress => ({ transport: 'TLS', host, port: 5061 });
  const sides: Record<'a' | 'b', Side> = {} as Record<'a' | 'b', Side>;
  const make = (name: 'a' | 'b', peer: 'a' | 'b', sessionExpires: number): Side => {
    const sent: SipRequest[] = [];
    const transport: TransportPort = {
      reliable: true,
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
    const stack = new UaStack({ aor, instanceId: `urn:uuid:0000000${name === 'a' ? 1 : 2}-0000-4000-8000-000000000000` }, layer, new DigestClient({ credentials: { username: name, password: 'x' }, rng }), () => ({ transport: 'TLS', viaHost: name, viaPort: 5061, contactHost: name, contactPort: 5061, destination: addr(peer) }), rng, 'test');
    const media = new FakeMedia();
    const ua = new UserAgent({ stack, clock, logger: nullLogger, sessionExpires, mediaForIncoming: () => media });
    return { ua, sent, media, drop: false };
  };
  const layers: Record<string, TransactionLayer> = {};
  sides.a = make('a', 'b', opts.sessionExpiresA ?? 90);
  sides.b = make('b', 'a', 1800);
  const flush = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };
  return { clock, a: sides.a, b: sides.b, flush };
}

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
