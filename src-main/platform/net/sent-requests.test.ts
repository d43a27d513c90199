/**
 * The table that tells a response to one of our requests from a stranger's (issue 15): RFC 3261
 * §17.1.3 matching (top Via branch + CSeq method), plus Call-ID, CSeq number and where it came
 * from (RFC 3581 §4); every entry bounded in time, the table in size.
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { parseMessage } from '../../protocol/sip/message/parser.js';
import type { SipRequest, SipResponse } from '../../protocol/sip/message/message.js';
import { SentRequests } from './sent-requests.js';

function request(method: string, branch: string, callId = 'c1', cseq = 1): SipRequest {
  const r = parseMessage(
    Buffer.from(`${method} sip:pbx.example.test SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=${branch};rport\r\nFrom: <sip:a@example.test>;tag=1\r\nTo: <sip:a@example.test>\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`),
  );
  if (!r.ok || r.value.kind !== 'request') throw new Error('test request does not parse');
  return r.value;
}

function response(status: number, method: string, branch: string, callId = 'c1', cseq = 1): SipResponse {
  const r = parseMessage(
    Buffer.from(`SIP/2.0 ${status} X\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=${branch};rport=5060;received=203.0.113.9\r\nFrom: <sip:a@example.test>;tag=1\r\nTo: <sip:a@example.test>;tag=2\r\nCall-ID: ${callId}\r\nCSeq: ${cseq} ${method}\r\nContent-Length: 0\r\n\r\n`),
  );
  if (!r.ok || r.value.kind !== 'response') throw new Error('test response does not parse');
  return r.value;
}

const PBX = '127.0.0.1:5060';

describe('SentRequests', () => {
  it('matches a response by branch, method, Call-ID, CSeq number and source only', () => {
    const t = new SentRequests(new FakeClock());
    expect(t.sent(request('REGISTER', 'z9hG4bKa'), PBX)).toBeDefined();
    expect(t.sent(request('REGISTER', 'z9hG4bKa'), PBX)).toBeUndefined(); // a retransmission
    expect(t.match(response(200, 'REGISTER', 'z9hG4bKother'), PBX)).toBeUndefined();
    expect(t.match(response(200, 'OPTIONS', 'z9hG4bKa'), PBX)).toBeUndefined();
    expect(t.match(response(200, 'REGISTER', 'z9hG4bKa', 'another-call'), PBX)).toBeUndefined();
    expect(t.match(response(200, 'REGISTER', 'z9hG4bKa', 'c1', 2), PBX)).toBeUndefined();
    expect(t.match(response(200, 'REGISTER', 'z9hG4bKa'), '127.0.0.1:5099')).toBeUndefined();
    expect(t.match(response(200, 'REGISTER', 'z9hG4bKa'), PBX)).toMatchObject({ method: 'REGISTER', answered: true });
    // ACK gets no response, so it is not noted.
    expect(t.sent(request('ACK', 'z9hG4bKb'), PBX)).toBeUndefined();
    expect(t.size).toBe(1);
  });

  it('forgets a non-INVITE after Timer F, a final-answered one 64·T1 later, and keeps a ringing INVITE', () => {
    const clock = new FakeClock();
    const t = new SentRequests(clock, { transactionMs: 32_000, inviteMaxMs: 600_000 });
    t.sent(request('OPTIONS', 'z9hG4bKo'), PBX);
    t.sent(request('REGISTER', 'z9hG4bKr'), PBX);
    t.sent(request('INVITE', 'z9hG4bKi'), PBX);
    clock.advance(10_000);
    expect(t.match(response(200, 'REGISTER', 'z9hG4bKr'), PBX)).toBeDefined();
    expect(t.match(response(180, 'INVITE', 'z9hG4bKi'), PBX)).toBeDefined();
    clock.advance(22_000);
    // 32 s after sending: the unanswered OPTIONS is gone; the answered REGISTER lingers.
    expect(t.match(response(200, 'OPTIONS', 'z9hG4bKo'), PBX)).toBeUndefined();
    expect(t.match(response(200, 'REGISTER', 'z9hG4bKr'), PBX)).toBeDefined();
    clock.advance(10_000);
    expect(t.match(response(200, 'REGISTER', 'z9hG4bKr'), PBX)).toBeUndefined();
    // The INVITE rings for five minutes, then is answered; its 2xx retransmissions match for 64·T1.
    clock.advance(300_000);
    expect(t.match(response(200, 'INVITE', 'z9hG4bKi'), PBX)).toBeDefined();
    clock.advance(31_999);
    expect(t.match(response(200, 'INVITE', 'z9hG4bKi'), PBX)).toBeDefined();
    clock.advance(32_000);
    expect(t.match(response(200, 'INVITE', 'z9hG4bKi'), PBX)).toBeUndefined();
    clock.advance(2000);
    t.sent(request('OPTIONS', 'z9hG4bKsweep'), PBX);
    expect(t.size).toBe(1);
  });

  it('holds at most maxEntries, dropping the oldest', () => {
    const t = new SentRequests(new FakeClock(), { maxEntries: 100 });
    for (let i = 0; i < 1000; i++) t.sent(request('MESSAGE', `z9hG4bK${i}`, `c${i}`), PBX);
    expect(t.size).toBe(100);
    expect(t.match(response(200, 'MESSAGE', 'z9hG4bK899', 'c899'), PBX)).toBeUndefined();
    expect(t.match(response(200, 'MESSAGE', 'z9hG4bK900', 'c900'), PBX)).toBeDefined();
  });
});
