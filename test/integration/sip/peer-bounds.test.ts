/**
 * Issue 15 acceptance, over real sockets: the whole phone (createPhone, the real platform network
 * and RTP adapters) registers over TLS on loopback with a scripted PBX (support/scripted-pbx.ts)
 * that behaves as a hostile peer would:
 *  - it grants the largest expiry the grammar allows (2^32-1, 20 digits), or 1 s: the phone sends
 *    exactly one REGISTER over several seconds (no storm, no early timer);
 *  - it answers 503 with Retry-After: 0: the phone keeps its backoff;
 *  - it sets up a call (either way) with the largest Session-Expires (2^32-1, 20 digits) and makes
 *    the phone the refresher: the call stays up over several seconds (no re-INVITE storm, no BYE)
 *    and the phone runs a bounded interval (a day);
 *  - it sends 200 INVITEs at once: at most N ring, the rest get 486 Busy Here, and at most 2N RTP
 *    sockets are bound (counted as UDP handles of this process).
 * The unit-level bounds are in src-main/protocol/sip/ua/peer-durations.test.ts and call-limits.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { AccountAddSchema } from '../../../src-shared/model/account.js';
import type { Phone } from '../../../src-main/services/phone/create-phone.js';
import { DEFAULT_MAX_INCOMING_CALLS } from '../../../src-main/protocol/sip/ua/user-agent.js';
import { MAX_SESSION_EXPIRES_S } from '../../../src-main/protocol/sip/ua/peer-durations.js';
import { getTestPki, type TestPki } from '../../fixtures/pki/test-pki.js';
import { createTestPhone } from '../../support/test-phone.js';
import { inviteText, responseTo, srtpOffer, startScriptedPbx, type PbxMessage, type ScriptedPbx } from './support/scripted-pbx.js';

/** How long each test watches for traffic that must not come. */
const QUIET_WINDOW_MS = 5000;
const HUGE = '99999999999999999999';

const open: { phone?: Phone; pbx?: ScriptedPbx }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.phone?.shutdown();
    o.phone?.dispose();
    await o.pbx?.close();
  }
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(() => r(), ms));
const registers = (all: readonly PbxMessage[]): PbxMessage[] => all.filter((m) => m.method === 'REGISTER');

async function world(setup: (pbx: ScriptedPbx) => void = () => undefined): Promise<{ phone: Phone; pbx: ScriptedPbx; pki: TestPki; id: string; contact: string }> {
  const pki = await getTestPki();
  const pbx = await startScriptedPbx(pki.servers.good);
  setup(pbx);
  const phone = await createTestPhone();
  open.push({ phone, pbx });
  const added = await phone.accounts.add(
    v.parse(AccountAddSchema, {
      id: 'alice',
      config: account(pki, pbx),
      makeDefault: true,
    }),
  );
  if (!added.ok) throw new Error(`account not added: ${added.error.message}`);
  const id = added.value.id;
  await pbx.waitFor('the first REGISTER', (all) => registers(all).length >= 1);
  const deadline = Date.now() + 5000;
  while (phone.engine.account(id)?.registration.state.kind !== 'registered') {
    if (Date.now() > deadline) throw new Error(`not registered: ${JSON.stringify(phone.engine.account(id)?.registration.state)}`);
    await sleep(20);
  }
  const contact = /<([^>]+)>/.exec(registers(pbx.received)[0]!.header('contact') ?? '')?.[1];
  if (contact === undefined) throw new Error('REGISTER without a Contact URI');
  return { phone, pbx, pki, id, contact };
}

async function waitUntil(what: string, pred: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function account(pki: TestPki, pbx: ScriptedPbx): Record<string, unknown> {
  return { uri: `sips:alice@${pki.domain}`, password: 'Bounds-Pw-1', outboundProxy: `127.0.0.1:${pbx.port}`, mwi: false, tls: { caOnly: true, trustedCas: [pki.rootPem] } };
}

function udpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r.toUpperCase() === 'UDPWRAP').length;
}

describe('durations a registrar or a peer supplies are bounded (real TLS on loopback)', () => {
  it.each([
    ['the largest 32-bit expires (4294967295)', '4294967295'],
    ['a 20-digit expires (the grammar has no limit)', HUGE],
    ['an expires of 1 s', '1'],
  ])('a registrar granting %s gets exactly one REGISTER over several seconds', async (_what, contactExpires) => {
    const { phone, pbx, id } = await world((p) => (p.registerAnswer = { contactExpires }));
    await sleep(QUIET_WINDOW_MS);
    expect(registers(pbx.received).map((m) => m.startLine)).toHaveLength(1);
    expect(phone.engine.account(id)?.registration.state.kind).toBe('registered');
  });

  it('a registrar answering 503 with Retry-After: 0 is not retried at once (backoff, no storm)', async () => {
    const pki = await getTestPki();
    const pbx = await startScriptedPbx(pki.servers.good);
    pbx.registerAnswer = { status: 503, headers: ['Retry-After: 0'] };
    const phone = await createTestPhone();
    open.push({ phone, pbx });
    const added = await phone.accounts.add(v.parse(AccountAddSchema, { id: 'alice', config: account(pki, pbx), makeDefault: true }));
    expect(added.ok).toBe(true);
    await pbx.waitFor('the first REGISTER', (all) => registers(all).length >= 1);
    await sleep(2000);
    // The backoff's first retry comes after 2.5-5 s (RFC 5626 §4.5 jitter); Retry-After: 0 must not shorten it.
    expect(registers(pbx.received)).toHaveLength(1);
  });

  it('a call with the largest Session-Expires, the phone the refresher, stays up: no refresh storm, no BYE', async () => {
    const { phone, pbx, contact } = await world();
    pbx.send(inviteText(1, contact, { sessionExpires: '4294967295;refresher=uas', body: srtpOffer(40000) }));
    await pbx.waitFor('180 Ringing', (all) => all.some((m) => m.status === 180));
    const call = phone.engine.snapshots().find((s) => s.info.direction === 'incoming');
    expect(call, 'no incoming call').toBeDefined();
    const answered = phone.engine.answer(call!.info.callId);
    expect(answered.ok, JSON.stringify(answered)).toBe(true);
    await pbx.waitFor('200 OK to the INVITE', (all) => all.some((m) => m.status === 200 && m.cseqMethod === 'INVITE'));
    const ok = pbx.received.find((m) => m.status === 200 && m.cseqMethod === 'INVITE')!;
    // §9 of RFC 4028 lets the UAS reduce the interval: the phone runs (and says) at most a day.
    const se = Number(/^\s*(\d+)/.exec(ok.header('session-expires') ?? '')?.[1]);
    expect(se).toBe(MAX_SESSION_EXPIRES_S);
    pbx.send(ackFor(ok, contact));
    const sentBefore = pbx.received.length;
    await sleep(QUIET_WINDOW_MS);
    const after = pbx.received.slice(sentBefore).filter((m) => m.method !== 'REGISTER');
    expect(after.map((m) => m.startLine)).toEqual([]);
    expect(phone.engine.snapshot(call!.info.callId)?.state.kind).toBe('active');
  });

  it('a call whose 2xx carries a 20-digit Session-Expires, the phone the refresher, stays up: no refresh storm, no BYE', async () => {
    const { phone, pbx, id } = await world();
    pbx.onRequest = (m) => {
      if (m.method !== 'INVITE') return m.method === 'BYE' ? responseTo(m, 200, 'OK') : undefined;
      const crypto = /^a=crypto:(\d+) (\S+) /m.exec(m.body);
      const answer = srtpOffer(42000).replace(/a=crypto:1 \S+ /, `a=crypto:${crypto?.[1] ?? '1'} ${crypto?.[2] ?? 'AES_CM_128_HMAC_SHA1_80'} `).replace(' 0 101', ' 0');
      return responseTo(m, 200, 'OK', ['Contact: <sip:bob@127.0.0.1:5061;transport=tls>', 'Require: timer', `Session-Expires: ${HUGE};refresher=uac`, 'Content-Type: application/sdp'], answer);
    };
    const placed = await phone.engine.call(id, 'bob');
    expect(placed.ok, JSON.stringify(placed)).toBe(true);
    const callId = placed.ok ? placed.value.callId : '';
    await pbx.waitFor('the ACK for the 200', (all) => all.some((m) => m.method === 'ACK'));
    await waitUntil('the call to be active', () => phone.engine.snapshot(callId)?.state.kind === 'active');
    const sentBefore = pbx.received.length;
    await sleep(QUIET_WINDOW_MS);
    const after = pbx.received.slice(sentBefore).filter((m) => m.method !== 'REGISTER');
    expect(after.map((m) => m.startLine)).toEqual([]);
    expect(phone.engine.snapshot(callId)?.state.kind).toBe('active');
    // Read (saturated) and bounded, not ignored: the phone refreshes within a day.
    expect(phone.engine.account(id)?.ua.activeCalls[0]?.sessionTimerInfo).toEqual({ interval: MAX_SESSION_EXPIRES_S, weRefresh: true });
  });
});

describe('caps on what a peer can make the phone hold (real TLS on loopback)', () => {
  it(`200 simultaneous INVITEs leave at most ${DEFAULT_MAX_INCOMING_CALLS} ringing and at most ${2 * DEFAULT_MAX_INCOMING_CALLS} RTP sockets`, async () => {
    const { phone, pbx, contact } = await world();
    const baseline = udpHandles();
    const N = 200;
    pbx.send(Array.from({ length: N }, (_, i) => inviteText(i, contact, { body: srtpOffer(41000 + 2 * i) })).join(''));
    const finals = (all: readonly PbxMessage[]): PbxMessage[] => all.filter((m) => m.cseqMethod === 'INVITE' && (m.status ?? 0) >= 180);
    await pbx.waitFor(`a 180 or a final response to each of the ${N} INVITEs`, (all) => finals(all).length >= N, 30_000);
    const statuses = finals(pbx.received).map((m) => m.status);
    const ringing = statuses.filter((s) => s === 180).length;
    expect(ringing).toBeLessThanOrEqual(DEFAULT_MAX_INCOMING_CALLS);
    expect(ringing).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 486).length).toBe(N - ringing);
    const incoming = phone.engine.snapshots().filter((s) => s.state.kind === 'incoming');
    expect(incoming.length).toBeLessThanOrEqual(DEFAULT_MAX_INCOMING_CALLS);
    const rtpSockets = udpHandles() - baseline;
    expect(rtpSockets, `${rtpSockets} UDP sockets bound for ${ringing} ringing calls`).toBeLessThanOrEqual(2 * DEFAULT_MAX_INCOMING_CALLS);
    expect(rtpSockets).toBeGreaterThan(0);
  });
});

/** The ACK for a 2xx (RFC 3261 §13.2.2.4), sent by the PBX to the phone's Contact. */
function ackFor(ok: PbxMessage, contact: string): string {
  const cseq = /^(\d+)/.exec(ok.header('cseq') ?? '')?.[1] ?? '1';
  return [
    `ACK ${/<([^>]+)>/.exec(ok.header('contact') ?? '')?.[1] ?? contact} SIP/2.0`,
    'Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKpbxack1',
    'Max-Forwards: 70',
    `From: ${ok.header('from') ?? ''}`,
    `To: ${ok.header('to') ?? ''}`,
    `Call-ID: ${ok.header('call-id') ?? ''}`,
    `CSeq: ${cseq} ACK`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}
