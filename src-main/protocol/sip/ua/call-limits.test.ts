/**
 * Issue 15: how many calls a peer can make the user agent hold. Beyond DEFAULT_MAX_INCOMING_CALLS
 * incoming calls in progress an INVITE gets 486 Busy Here before any media is created; beyond
 * DEFAULT_MAX_CALLS tracked calls (ended ones still absorbing retransmissions included), 503 with
 * Retry-After. (Over real sockets, with RTP sockets counted: test/integration/sip/peer-bounds.test.ts.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../../test/fakes/fake-rng.js';
import { nullLogger } from '../../../base/logger.js';
import type { Result } from '../../../base/result.js';
import { DigestClient } from '../auth/digest-client.js';
import { createCancel } from '../transaction/cancel-and-ack.js';
import { createRequest, createResponse } from '../message/builders.js';
import { dialogKey } from '../dialog/dialog-id.js';
import { tagOf } from '../message/name-addr.js';
import type { SipMessage, SipRequest, SipResponse } from '../message/message.js';
import { parseNameAddr } from '../message/name-addr.js';
import { sipUri, type SipUri } from '../message/uri.js';
import { createVia } from '../message/via.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import type { TransportAddress, TransportPort } from '../transaction/transport-port.js';
import type { SdpFailure, SdpHandler } from './call-session.js';
import { UaStack } from './ua-stack.js';
import { DEFAULT_MAX_CALLS, DEFAULT_MAX_INCOMING_CALLS, UserAgent, type IncomingCallOffer } from './user-agent.js';

const PBX: TransportAddress = { transport: 'TLS', host: '192.0.2.10', port: 5061 };
const OFFER = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';

class NullMedia implements SdpHandler {
  createOffer(): Result<string, SdpFailure> {
    return { ok: true, value: OFFER };
  }
  applyAnswer(): Result<unknown, SdpFailure> {
    return { ok: true, value: undefined };
  }
  answerOffer(): Result<{ sdp: string }, SdpFailure> {
    return { ok: true, value: { sdp: OFFER } };
  }
}

function invite(n: number): SipRequest {
  return createRequest({
    method: 'INVITE',
    uri: sipUri({ user: 'alice', host: '192.0.2.1' }),
    via: [createVia({ transport: 'TLS', host: '192.0.2.10', port: 5061, branch: `z9hG4bKinv${n}` })],
    from: { displayName: undefined, uri: sipUri({ user: `caller${n}`, host: 'example.net' }), params: [{ name: 'tag', value: `f${n}` }] },
    to: { displayName: undefined, uri: sipUri({ user: 'alice', host: 'example.com' }), params: [] },
    callId: `call-${n}@example.net`,
    cseq: 1,
    contact: [{ displayName: undefined, uri: sipUri({ user: `caller${n}`, host: '192.0.2.10', port: 5061 }), params: [] }],
    body: OFFER,
    contentType: 'application/sdp',
  });
}

const open: UserAgent[] = [];
afterEach(() => {
  for (const ua of open.splice(0)) ua.dispose();
});

function world(options: { maxIncomingCalls?: number; maxCalls?: number } = {}) {
  const clock = new FakeClock();
  const rng = new FakeRng(5);
  const responses: SipResponse[] = [];
  const requests: SipRequest[] = [];
  const transport: TransportPort = {
    reliable: true,
    send(message: SipMessage) {
      if (message.kind === 'response') responses.push(message);
      else requests.push(message);
      return true;
    },
  };
  const layer = new TransactionLayer({ transport, clock });
  const aor = parseNameAddr('sips:alice@example.com')!.uri as SipUri;
  const stack = new UaStack({ aor, instanceId: 'urn:uuid:00000000-0000-4000-8000-000000000009' }, layer, new DigestClient({ credentials: { username: 'alice', password: 'x' }, rng }), () => ({ transport: 'TLS', viaHost: '192.0.2.1', viaPort: 5061, contactHost: '192.0.2.1', contactPort: 5061, destination: PBX }), rng, 'test');
  let mediaCreated = 0;
  const ua = new UserAgent({
    stack,
    clock,
    logger: nullLogger,
    sessionExpires: 1800,
    mediaForIncoming: () => {
      mediaCreated++;
      return new NullMedia();
    },
    ...options,
  });
  open.push(ua);
  const offers: IncomingCallOffer[] = [];
  ua.onIncomingCall((o) => {
    offers.push(o);
    o.call.ring();
  });
  const finals = (status: number): number => responses.filter((r) => r.status === status).length;
  return { clock, layer, ua, offers, responses, requests, finals, media: () => mediaCreated };
}

describe('incoming calls are capped (issue 15)', () => {
  it(`200 INVITEs at once: ${DEFAULT_MAX_INCOMING_CALLS} ring, the rest get 486 Busy Here with no media created`, () => {
    const w = world();
    for (let i = 0; i < 200; i++) w.layer.receive(invite(i), PBX);
    expect(w.offers).toHaveLength(DEFAULT_MAX_INCOMING_CALLS);
    expect(w.media()).toBe(DEFAULT_MAX_INCOMING_CALLS);
    expect(w.finals(180)).toBe(DEFAULT_MAX_INCOMING_CALLS);
    expect(w.finals(486)).toBe(200 - DEFAULT_MAX_INCOMING_CALLS);
    expect(w.ua.activeCalls).toHaveLength(DEFAULT_MAX_INCOMING_CALLS);
  });

  it('a call that ended frees its place for the next INVITE', () => {
    const w = world({ maxIncomingCalls: 2 });
    w.layer.receive(invite(1), PBX);
    w.layer.receive(invite(2), PBX);
    w.layer.receive(invite(3), PBX);
    expect(w.finals(486)).toBe(1);
    w.offers[0]!.call.decline(603);
    w.layer.receive(invite(4), PBX);
    expect(w.offers).toHaveLength(3);
    expect(w.finals(486)).toBe(1);
  });

  it('a flood of INVITE + CANCEL cannot pile up ended calls beyond the call table: 503 with Retry-After', () => {
    const w = world();
    for (let i = 0; i < 500; i++) {
      const inv = invite(i);
      w.layer.receive(inv, PBX);
      w.layer.receive(createCancel(inv), PBX);
    }
    expect(w.media()).toBe(DEFAULT_MAX_CALLS);
    const refused = w.responses.filter((r) => r.status === 503);
    expect(refused).toHaveLength(500 - DEFAULT_MAX_CALLS);
    expect(refused.every((r) => (r.headers.retryAfter()?.seconds ?? 0) > 0)).toBe(true);
    // Once the ended calls are forgotten (64·T1), INVITEs are admitted again.
    w.clock.advance(64 * 500 + 1);
    w.layer.receive(invite(1000), PBX);
    expect(w.offers.at(-1)?.call.callId).toBe('call-1000@example.net');
  });
});

describe('early dialogs are capped (issue 15)', () => {
  it('a proxy answering our INVITE with 180s carrying 100 different To tags leaves at most 16 early dialogs', () => {
    const w = world();
    const started = w.ua.startCall(sipUri({ user: 'bob', host: 'example.com' }), new NullMedia());
    expect(started.ok).toBe(true);
    const call = started.ok ? started.value : undefined;
    const inv = w.requests.find((r) => r.method === 'INVITE')!;
    const localTag = tagOf(inv.headers.from()!)!;
    for (let i = 0; i < 100; i++) w.layer.receive(createResponse(inv, 180, 'Ringing', { toTag: `fork${i}`, contact: [{ displayName: undefined, uri: sipUri({ user: 'bob', host: '192.0.2.20' }), params: [] }] }), PBX);
    const owned = Array.from({ length: 100 }, (_, i) => call!.ownsDialog(dialogKey({ callId: inv.headers.callId()!, localTag, remoteTag: `fork${i}` }))).filter(Boolean).length;
    expect(owned).toBe(16);
    expect(call!.state.kind).toBe('ringing');
  });
});
