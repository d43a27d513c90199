import { describe, expect, it } from 'vitest';
import { registrationRig } from '../../../../test/fakes/registration-rig.js';
import { createResponse } from '../message/builders.js';
import { parseNameAddr } from '../message/name-addr.js';
import { grantedExpires, type RegistrationState } from './registration-client.js';

/**
 * RegistrationClient (RFC 3261 §10.2, RFC 5626 §4.2.2) on a fake reliable transport and clock.
 * Transitions covered:
 *   unregistered → registering (register)          | registering → registered (2xx)
 *   registering → registering (401 → authorised retry) | registering → failed (403, auth refused: no retry)
 *   registering → registering (423 → Min-Expires)  | registering → failed (timeout/503: retry with backoff)
 *   registered → registering (refresh timer)       | registered → failed (transport lost) → registering (restored)
 *   registered → unregistering → unregistered (Expires: 0)
 */

function setup() {
  const { clock, sent, reg, answer, layer } = registrationRig();
  const states: RegistrationState['kind'][] = [];
  reg.onState((s) => states.push(s.kind));
  return { clock, sent, reg, states, answer, layer };
}

describe('RegistrationClient', () => {
  it('REGISTER carries a sips: Contact with the public address, +sip.instance, reg-id and outbound support', () => {
    const { sent, reg } = setup();
    reg.register();
    const r = sent[0]!;
    expect(r.method).toBe('REGISTER');
    expect(r.headers.get('contact')).toMatch(/^<sips:alice@203\.0\.113\.5:40000;ob>;\+sip\.instance="<urn:uuid:0+-0000-4000-8000-000000000001>";reg-id=1;expires=600$/);
    expect(r.headers.get('supported')).toContain('outbound');
    expect(r.headers.topVia()?.host).toBe('10.0.0.2');
  });

  it('answers a 401 with an authorised retry (new CSeq, same Call-ID) and registers with the granted expiry', () => {
    const { sent, reg, states, answer } = setup();
    reg.register();
    answer(401, [['WWW-Authenticate', 'Digest realm="pbx.example.com", nonce="abc", qop="auth", algorithm=SHA-256']]);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.headers.get('authorization')).toMatch(/^Digest username="alice", realm="pbx.example.com"/);
    expect(sent[1]!.headers.cseq()!.seq).toBe(sent[0]!.headers.cseq()!.seq + 1);
    expect(sent[1]!.headers.callId()).toBe(sent[0]!.headers.callId());
    answer(200, [], 300);
    expect(reg.state).toMatchObject({ kind: 'registered', expires: 300 });
    expect(states).toEqual(['registering', 'registered']);
  });

  it('refreshes before the granted expiry and keeps the Call-ID', () => {
    const { sent, reg, answer, clock } = setup();
    reg.register();
    answer(200, [], 120);
    clock.advance(107_000);
    expect(sent).toHaveLength(1);
    clock.advance(2_000);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.headers.callId()).toBe(sent[0]!.headers.callId());
    expect(reg.state).toMatchObject({ kind: 'registering', refresh: true });
  });

  it('423 Interval Too Brief: retries at once with Min-Expires (§10.2.8)', () => {
    const { sent, reg, answer } = setup();
    reg.register();
    answer(423, [['Min-Expires', '1800']]);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.headers.get('expires')).toBe('1800');
  });

  it('a refused password fails without retrying (no lock-out loops)', () => {
    const { sent, reg, answer, clock } = setup();
    reg.register();
    answer(401, [['WWW-Authenticate', 'Digest realm="r", nonce="n1", qop="auth"']]);
    answer(401, [['WWW-Authenticate', 'Digest realm="r", nonce="n2", qop="auth"']]);
    expect(reg.state).toMatchObject({ kind: 'failed', code: 'auth-failed', retryInMs: null });
    clock.advance(3_600_000);
    expect(sent).toHaveLength(2);
  });

  it('503 and timeouts retry with growing, jittered backoff', () => {
    const { sent, reg, answer, clock } = setup();
    reg.register();
    answer(503);
    const first = reg.state.kind === 'failed' ? reg.state.retryInMs! : 0;
    expect(first).toBeGreaterThanOrEqual(2500);
    expect(first).toBeLessThanOrEqual(5000);
    clock.advance(first);
    expect(sent).toHaveLength(2);
    answer(503);
    const second = reg.state.kind === 'failed' ? reg.state.retryInMs! : 0;
    expect(second).toBeGreaterThanOrEqual(5000);
    clock.advance(second);
    expect(sent).toHaveLength(3);
    // Timer F (no answer at all) counts as a timeout.
    clock.advance(64 * 500);
    expect(reg.state).toMatchObject({ kind: 'failed', code: 'timeout' });
  });

  it('re-registers at once when the transport is restored after a loss (RFC 5626 §4.2.2)', () => {
    const { sent, reg, answer } = setup();
    reg.register();
    answer(200, [], 600);
    reg.transportLost();
    expect(reg.state).toMatchObject({ kind: 'failed', code: 'transport' });
    reg.transportRestored();
    expect(sent).toHaveLength(2);
    answer(200, [], 600);
    expect(reg.state.kind).toBe('registered');
  });

  it('unregisters with Expires: 0 and resolves when the server answers', async () => {
    const { sent, reg, answer } = setup();
    reg.register();
    answer(200, [], 600);
    const done = reg.unregister();
    expect(reg.state.kind).toBe('unregistering');
    expect(sent.at(-1)!.headers.get('expires')).toBe('0');
    answer(200);
    await done;
    expect(reg.state.kind).toBe('unregistered');
  });

  it('grantedExpires prefers our Contact expires, then Expires, then the request', () => {
    const { sent, reg } = setup();
    reg.register();
    const req = sent[0]!;
    const ours = req.headers.contact()[0]!;
    const other = parseNameAddr('<sip:other@192.0.2.99>;expires=99')!;
    const res = createResponse(req, 200, 'OK', { contact: [other, { ...ours, params: [...ours.params.filter((p) => p.name !== 'expires'), { name: 'expires', value: '45' }] }], headers: [['Expires', '77']] });
    expect(grantedExpires(res, ours, 600)).toBe(45);
    expect(grantedExpires(createResponse(req, 200, 'OK', { headers: [['Expires', '77']] }), ours, 600)).toBe(77);
    expect(grantedExpires(createResponse(req, 200, 'OK'), ours, 600)).toBe(600);
  });
});
