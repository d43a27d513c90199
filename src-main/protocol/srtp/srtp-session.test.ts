import { describe, expect, it } from 'vitest';
import { SrtpSession } from './srtp-session.js';
import { rtcpPacket, rtpPacket, testKeyParams } from './srtp-test-packets.js';

const A = testKeyParams('AES_CM_128_HMAC_SHA1_80', 1);
const B = testKeyParams('AES_CM_128_HMAC_SHA1_80', 2);
const A2 = testKeyParams('AES_CM_128_HMAC_SHA1_80', 3);
const B2 = testKeyParams('AES_CM_128_HMAC_SHA1_80', 4);

function code(r: { ok: boolean; error?: { code: string } }): string {
  return r.ok ? 'ok' : r.error!.code;
}

describe('SrtpSession: two directions, two keys', () => {
  it('each side sends under its own key and receives under the peer key', () => {
    const alice = new SrtpSession({ send: A, receive: B });
    const bob = new SrtpSession({ send: B, receive: A });
    const toBob = alice.protectRtp(rtpPacket({ seq: 1, ssrc: 1, payload: 160 }));
    const toAlice = bob.protectRtp(rtpPacket({ seq: 1, ssrc: 2, payload: 160 }));
    expect(toBob.ok && code(bob.unprotectRtp(toBob.value))).toBe('ok');
    expect(toAlice.ok && code(alice.unprotectRtp(toAlice.value))).toBe('ok');
    // A packet protected under our own send key is not accepted as received media.
    const loop = alice.protectRtp(rtpPacket({ seq: 2, ssrc: 3, payload: 160 }));
    expect(loop.ok && code(alice.unprotectRtp(loop.value))).toBe('auth-failed');
  });
});

describe('SrtpSession re-keying keeps the old receive key until the new one is in use (no one-way audio)', () => {
  it('accepts in-flight packets under the old key after rekey, then drops the old key on the first new-key packet', () => {
    const alice = new SrtpSession({ send: A, receive: B });
    const bob = new SrtpSession({ send: B, receive: A });
    const inFlight = [1, 2, 3].map((seq) => bob.protectRtp(rtpPacket({ seq, ssrc: 7, payload: 100 })));
    const oldRtcp = bob.protectRtcp(rtcpPacket(7));
    // Re-INVITE: both sides install new keys; Bob's earlier packets are still on the wire.
    alice.rekey({ send: A2, receive: B2 });
    expect(alice.acceptsPreviousReceiveKeys).toBe(true);
    for (const p of inFlight) expect(p.ok && code(alice.unprotectRtp(Buffer.from(p.value)))).toBe('ok');
    expect(oldRtcp.ok && code(alice.unprotectRtcp(Buffer.from(oldRtcp.value)))).toBe('ok');
    bob.rekey({ send: B2, receive: A2 });
    const fresh = bob.protectRtp(rtpPacket({ seq: 4, ssrc: 7, payload: 100 }));
    expect(fresh.ok && code(alice.unprotectRtp(Buffer.from(fresh.value)))).toBe('ok');
    expect(alice.acceptsPreviousReceiveKeys).toBe(false);
    // A late old-key packet after the switch is refused and counted.
    const late = new SrtpSession({ send: B, receive: A }).protectRtp(rtpPacket({ seq: 9, ssrc: 8, payload: 100 }));
    expect(late.ok && code(alice.unprotectRtp(Buffer.from(late.value)))).toBe('auth-failed');
    const stats = alice.stats();
    expect(stats.rekeys).toBe(2);
    expect(stats.previousReceive).toBeUndefined();
    expect(stats.receive.unattributed.authFailed).toBe(1);
    // Alice's new send key is what Bob now receives with.
    const out = alice.protectRtp(rtpPacket({ seq: 10, ssrc: 1, payload: 20 }));
    expect(out.ok && code(bob.unprotectRtp(Buffer.from(out.value)))).toBe('ok');
  });

  it('failures while both keys are held are counted once', () => {
    const alice = new SrtpSession({ send: A, receive: B });
    alice.rekey({ receive: B2 });
    const garbage = Buffer.from(rtpPacket({ seq: 1, ssrc: 5, payload: 40 }));
    expect(code(alice.unprotectRtp(garbage))).toBe('auth-failed');
    const s = alice.stats();
    expect(s.receive.unattributed.authFailed).toBe(1);
    expect(s.previousReceive?.unattributed.authFailed).toBe(0);
  });

  it('dispose forgets every context', () => {
    const s = new SrtpSession({ send: A, receive: B });
    s.rekey({ receive: B2 });
    s.dispose();
    expect(s.sendContext.isDisposed && s.receiveContext.isDisposed).toBe(true);
    expect(s.acceptsPreviousReceiveKeys).toBe(false);
  });
});
