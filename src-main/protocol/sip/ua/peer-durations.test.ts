/**
 * Issue 15: every duration a peer supplies is bounded where it is read (peer-durations.ts). On the
 * fake clock: a registrar granting 0, 1 s or the largest value the grammar allows, a Retry-After of
 * 0 or 2^32-1, a Min-Expires that keeps growing, a Flow-Timer of 1 s, voicemail subscriptions, and
 * session intervals from 1 s to 20 digits — none makes the phone storm or go quiet for years.
 * (The real-socket acceptance tests are in test/integration/sip/peer-bounds.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../../test/fakes/fake-clock.js';
import { RIG_SERVER as SERVER, registrationRig } from '../../../../test/fakes/registration-rig.js';
import { nullLogger } from '../../../base/logger.js';
import { createRequest, createResponse } from '../message/builders.js';
import type { SipRequest } from '../message/message.js';
import { sipUri } from '../message/uri.js';
import { createVia } from '../message/via.js';
import { CallSessionTimer } from './call-session-timer.js';
import {
  MAX_REGISTRATION_S,
  MAX_RETRY_AFTER_S,
  MAX_SESSION_EXPIRES_S,
  MIN_FLOW_TIMER_S,
  MIN_REGISTRATION_REFRESH_S,
  parseDeltaSecondsSaturating,
  registrationRefreshMs,
  subscriptionRefreshMs,
} from './peer-durations.js';
import { DEFAULT_MIN_SE, parseMinSe, parseSessionExpires } from './session-timer.js';
import { UserAgent } from './user-agent.js';

const HUGE = '99999999999999999999'; // 20 digits: delta-seconds has no length limit in the grammar
const DAY_MS = 86_400_000;

function setup() {
  const { clock, sent, reg, answer, layer, stack } = registrationRig();
  /** Answers every REGISTER that arrives with the same response, for `ms` of fake time. */
  const keepAnswering = (ms: number, status: number, headers: [string, string][], contactExpires?: string): void => {
    let answered = sent.length;
    for (let t = 0; t < ms; t += 1000) {
      clock.advance(1000);
      while (answered < sent.length) {
        answered++;
        answer(status, headers, contactExpires);
      }
    }
  };
  return { clock, sent, reg, answer, keepAnswering, layer, stack };
}

describe('delta-seconds of any length', () => {
  it('is read saturated at 2^32-1; anything but digits is not delta-seconds', () => {
    expect(parseDeltaSecondsSaturating(' 0068 ')).toBe(68);
    expect(parseDeltaSecondsSaturating('4294967295')).toBe(4294967295);
    expect(parseDeltaSecondsSaturating(HUGE)).toBe(4294967295);
    expect(parseDeltaSecondsSaturating('9'.repeat(400))).toBe(4294967295);
    for (const bad of ['', ' ', '-1', '1e3', '0x10', '3600.5', 'Infinity', undefined, null]) expect(parseDeltaSecondsSaturating(bad)).toBeUndefined();
  });

  it('a registration refresh is never sooner than the floor nor later than a day, whatever the grant', () => {
    for (const g of [0, 1, 2, 29, 30, 31, 60, 120, 3600, 86_400, 4294967295, Number.MAX_SAFE_INTEGER, Infinity, NaN]) {
      const ms = registrationRefreshMs(g);
      expect(ms, String(g)).toBeGreaterThanOrEqual(MIN_REGISTRATION_REFRESH_S * 1000);
      expect(ms, String(g)).toBeLessThanOrEqual(MAX_REGISTRATION_S * 1000);
      expect(Number.isFinite(ms)).toBe(true);
    }
    expect(registrationRefreshMs(120)).toBe(108_000); // unchanged inside the range
    expect(registrationRefreshMs(10)).toBe(9_000);
  });
});

describe('registration: what the registrar grants is bounded (issue 15)', () => {
  it(`a grant of 1 s is refreshed every ${MIN_REGISTRATION_REFRESH_S} s, not every second (no REGISTER storm)`, () => {
    const { sent, reg, answer, keepAnswering } = setup();
    reg.register();
    answer(200, [], '1');
    expect(reg.state.kind).toBe('registered');
    keepAnswering(600_000, 200, [], '1');
    // 10 minutes at one REGISTER per MIN_REGISTRATION_REFRESH_S: the first plus the refreshes.
    expect(sent.length).toBeLessThanOrEqual(1 + 600 / MIN_REGISTRATION_REFRESH_S);
    expect(sent.length).toBeGreaterThanOrEqual(600 / MIN_REGISTRATION_REFRESH_S);
  });

  it('a 2xx granting 0 s is retried with backoff, not at once', () => {
    const { sent, reg, answer, keepAnswering } = setup();
    reg.register();
    answer(200, [['Expires', '0']], '0');
    expect(reg.state).toMatchObject({ kind: 'failed', code: 'rejected' });
    keepAnswering(600_000, 200, [['Expires', '0']], '0');
    expect(sent.length).toBeLessThan(20);
  });

  it.each([
    ['the largest 32-bit value on our Contact', [] as [string, string][], '4294967295'],
    ['a 20-digit value on our Contact', [] as [string, string][], HUGE],
    ['the largest 32-bit Expires header', [['Expires', '4294967295']] as [string, string][], undefined],
  ])('%s: one REGISTER over the next hours, a refresh within a day', (_name, headers, contactExpires) => {
    const { sent, reg, answer, clock } = setup();
    reg.register();
    answer(200, headers, contactExpires);
    expect(reg.state).toMatchObject({ kind: 'registered', expires: MAX_REGISTRATION_S });
    clock.advance(12 * 3_600_000);
    expect(sent).toHaveLength(1);
    // Refreshed at 90% of the day (registrationRefreshMs), once.
    clock.advance(0.9 * DAY_MS - 12 * 3_600_000 + 1000);
    expect(sent).toHaveLength(2);
  });

  it('a Retry-After of 0 does not shorten the backoff; 2^32-1 is waited for an hour at most', () => {
    const { sent, reg, answer, clock } = setup();
    reg.register();
    answer(503, [['Retry-After', '0']]);
    const first = reg.state.kind === 'failed' ? reg.state.retryInMs! : 0;
    expect(first).toBeGreaterThanOrEqual(2500);
    clock.advance(first);
    expect(sent).toHaveLength(2);
    answer(503, [['Retry-After', '4294967295']]);
    expect(reg.state).toMatchObject({ kind: 'failed', retryInMs: MAX_RETRY_AFTER_S * 1000 });
    answer(503, [['Retry-After', '120 (maintenance)']]);
    clock.advance(MAX_RETRY_AFTER_S * 1000);
    expect(sent).toHaveLength(3);
    answer(503, [['Retry-After', '120 (maintenance)']]);
    expect(reg.state).toMatchObject({ kind: 'failed', retryInMs: 120_000 });
  });

  it('a registrar raising Min-Expires on every 423 is followed a bounded number of times', () => {
    const { sent, reg, answer } = setup();
    reg.register();
    for (let i = 1; i <= 10; i++) if (reg.state.kind === 'registering') answer(423, [['Min-Expires', String(600 + i)]]);
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(reg.state).toMatchObject({ kind: 'failed', code: 'interval-too-brief' });
  });

  it('a Flow-Timer of 1 s or of 20 digits is clamped (keep-alive neither floods nor stops)', () => {
    const { reg, answer, clock, sent } = setup();
    reg.register();
    answer(200, [['Flow-Timer', '1']], '600');
    expect(reg.flowTimer).toBe(MIN_FLOW_TIMER_S);
    clock.advance(540_000); // the refresh of a 600 s grant
    answer(200, [['Flow-Timer', HUGE]], '600');
    expect(sent).toHaveLength(2);
    expect(reg.flowTimer).toBeLessThanOrEqual(3600);
  });
});

describe('session timers: Session-Expires and Min-SE are bounded (issue 15)', () => {
  const invite = (se: string): SipRequest =>
    createRequest({
      method: 'INVITE',
      uri: sipUri({ user: 'alice', host: '192.0.2.1' }),
      via: [createVia({ transport: 'TLS', host: '192.0.2.10', port: 5061, branch: 'z9hG4bKse1' })],
      from: { displayName: undefined, uri: sipUri({ user: 'bob', host: 'example.com' }), params: [{ name: 'tag', value: 'b' }] },
      to: { displayName: undefined, uri: sipUri({ user: 'alice', host: 'example.com' }), params: [] },
      callId: 'se@example.com',
      cseq: 1,
      headers: [['Session-Expires', se], ['Min-SE', se]],
    });

  it('a 20-digit Session-Expires is read (saturated), not ignored; as UAS we answer at most a day', () => {
    expect(parseSessionExpires(invite(`${HUGE};refresher=uac`))).toEqual({ seconds: 4294967295, refresher: 'uac' });
    expect(CallSessionTimer.negotiate(invite(HUGE))).toEqual({ seconds: MAX_SESSION_EXPIRES_S, refresher: 'uac' });
    expect(CallSessionTimer.negotiate(invite('4294967295;refresher=uas'))).toEqual({ seconds: MAX_SESSION_EXPIRES_S, refresher: 'uas' });
    expect(parseMinSe(invite(HUGE))).toBe(4294967295);
  });

  it('a 2xx with Session-Expires of 1 s (below our Min-SE) does not refresh every half second', () => {
    const clock = new FakeClock();
    let refreshes = 0;
    const timer = new CallSessionTimer((ms, fn) => clock.setTimer(ms, fn), { refresh: () => refreshes++, expire: () => undefined });
    const ok = createResponse(invite('1'), 200, 'OK', { toTag: 't', headers: [['Session-Expires', '1;refresher=uac']] });
    timer.fromResponse(ok, 'uac');
    expect(timer.interval).toBe(DEFAULT_MIN_SE);
    clock.advance(10_000);
    expect(refreshes).toBe(0);
    timer.stop();
  });

  it('a 2xx with the largest Session-Expires refreshes within a day (we refresh) and ends within a day when the peer never does', () => {
    const clock = new FakeClock();
    const events: string[] = [];
    const timer = new CallSessionTimer((ms, fn) => clock.setTimer(ms, fn), { refresh: () => events.push('refresh'), expire: () => events.push('expire') });
    timer.fromResponse(createResponse(invite('90'), 200, 'OK', { toTag: 't', headers: [['Session-Expires', `${HUGE};refresher=uac`]] }), 'uac');
    expect(timer.interval).toBe(MAX_SESSION_EXPIRES_S);
    clock.advance(DAY_MS / 2 - 1);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['refresh']);
    timer.fromResponse(createResponse(invite('90'), 200, 'OK', { toTag: 't', headers: [['Session-Expires', '4294967295;refresher=uas']] }), 'uac');
    clock.advance(DAY_MS);
    expect(events).toEqual(['refresh', 'expire']);
    timer.stop();
  });
});

describe('voicemail subscription: the granted expiry is bounded (issue 15)', () => {
  it.each([
    ['1', 30_000],
    ['0', undefined],
    ['4294967295', DAY_MS],
  ])('Expires %s: the next SUBSCRIBE comes no sooner than 30 s and within a day', (granted, refreshMs) => {
    const { sent, layer, stack, clock } = setup();
    const ua = new UserAgent({ stack, clock, logger: nullLogger, sessionExpires: 1800, mediaForIncoming: () => undefined });
    ua.subscribeVoicemail();
    expect(sent).toHaveLength(1);
    layer.receive(createResponse(sent[0]!, 200, 'OK', { toTag: 'vm', headers: [['Expires', granted]] }), SERVER);
    clock.advance(29_999);
    expect(sent).toHaveLength(1);
    clock.advance(DAY_MS);
    expect(sent).toHaveLength(refreshMs === undefined ? 1 : 2);
    expect(subscriptionRefreshMs(Number(granted))).toBe(refreshMs ?? 30_000);
    ua.dispose();
  });
});
