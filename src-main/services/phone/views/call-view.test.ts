import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { CallViewSchema } from '../../../../src-shared/model/call.js';
import type { MediaState } from '../../../media/call-media.js';
import type { CallState } from '../../../protocol/sip/ua/call-state.js';
import type { CertificateReport } from '../../../platform/tls/certificate-report.js';
import type { CallSnapshot } from '../phone-service.js';
import { callActions, callQualityView, callSecurityView, callStateName, levelsView, toCallView } from './call-view.js';

const report = (mode: CertificateReport['mode'], level: CertificateReport['verdict']['level']): CertificateReport =>
  ({ mode, protocol: 'TLSv1.3', cipher: { name: 'TLS_AES_128_GCM_SHA256', standardName: 'TLS_AES_128_GCM_SHA256' }, verdict: { ok: true, level, notes: [] } }) as unknown as CertificateReport;

const media = (srtp: boolean): MediaState => ({
  srtp,
  ...(srtp ? { suite: 'AES_CM_128_HMAC_SHA1_80' } : {}),
  codec: 'PCMU/8000',
  direction: 'sendrecv',
  report: {
    role: 'offerer',
    policy: srtp ? 'mandatory' : 'optional',
    transport: 'tls',
    outcome: srtp ? 'encrypted' : 'unencrypted',
    summary: '',
    warnings: srtp ? [] : [{ code: 'media-not-encrypted', message: 'x' }],
    media: [
      {
        index: 0,
        media: 'audio',
        offeredProfile: 'RTP/SAVP',
        outcome: srtp ? 'srtp' : 'rtp',
        reasonCode: srtp ? 'srtp-negotiated' : 'peer-answered-no-crypto',
        reason: '',
        cryptoOffered: [
          { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', keyCount: 1, sessionParams: [], verdict: srtp ? 'chosen' : 'acceptable', reason: '' },
          { tag: 2, suite: 'AES_CM_128_HMAC_SHA1_32', keyCount: 1, sessionParams: [], verdict: 'acceptable', reason: '' },
        ],
        ...(srtp ? { chosen: { tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', spelling: 'AES_CM_128_HMAC_SHA1_80' } } : {}),
      },
    ],
  },
});

function snap(state: CallState, over: Partial<CallSnapshot> = {}): CallSnapshot {
  return {
    info: { callId: 'c1', accountId: 'a', direction: 'outgoing', remote: 'sip:1001@pbx.example.com' },
    state,
    startedAt: 1_800_000_000_000,
    answeredAt: undefined,
    endedAt: undefined,
    muted: false,
    mediaReady: true,
    media: media(true),
    srtpPolicy: 'mandatory',
    signalling: { transport: 'tls', sdesAllowed: true, everyHop: false, report: report('full', 'secure') },
    transferee: false,
    consultationOf: undefined,
    audio: undefined,
    ...over,
  };
}

const active: CallState = { kind: 'active', localHold: false, remoteHold: false };

describe('CallView: the person’s state of a call (RFC 3261 §13–§14, RFC 3515)', () => {
  it.each<[CallState, Partial<CallSnapshot>, string]>([
    [{ kind: 'calling' }, {}, 'dialing'],
    [{ kind: 'cancelling' }, {}, 'dialing'],
    [{ kind: 'ringing', status: 180, earlyMedia: false }, {}, 'ringing'],
    [{ kind: 'ringing', status: 183, earlyMedia: true }, {}, 'early'],
    [{ kind: 'incoming' }, {}, 'ringing'],
    [{ kind: 'answering' }, {}, 'active'],
    [active, {}, 'active'],
    [{ ...active, localHold: true }, {}, 'held'],
    [{ ...active, remoteHold: true }, {}, 'remote-held'],
    [{ ...active, localHold: true, remoteHold: true }, {}, 'held'],
    [{ ...active, transfer: 'blind' }, {}, 'transferring'],
    [active, { transferee: true }, 'transferring'],
    [{ kind: 'ended', reason: { code: 'busy', status: 486 } }, {}, 'ended'],
  ])('%j → %s', (state, over, name) => {
    expect(callStateName(snap(state, over))).toBe(name);
  });

  it('offers only what can be done now', () => {
    expect(callActions(snap({ kind: 'incoming' }), [])).toEqual(['answer', 'decline', 'hangup']);
    expect(callActions(snap({ kind: 'incoming' }, { mediaReady: false }), [])).toEqual(['decline', 'hangup']); // no answer before the media is ready
    expect(callActions(snap({ kind: 'calling' }), [])).toEqual(['hangup']);
    // Answered, waiting for the ACK: shown as connected, and the microphone can be muted already.
    expect(callActions(snap({ kind: 'answering' }), [])).toEqual(['hangup', 'mute']);
    expect(callActions(snap({ kind: 'answering' }, { muted: true }), [])).toEqual(['hangup', 'unmute']);
    expect(callActions(snap({ kind: 'answering' }, { mediaReady: false }), [])).toEqual(['hangup']);
    expect(callActions(snap({ kind: 'cancelling' }), [])).toEqual([]);
    expect(callActions(snap(active), [])).toEqual(['hangup', 'hold', 'mute', 'dtmf', 'transfer']);
    expect(callActions(snap(active, { muted: true }), [])).toContain('unmute');
    expect(callActions(snap({ ...active, change: 'hold' }), [])).toEqual(['hangup', 'mute', 'dtmf', 'transfer']); // no hold/resume while one is in flight
    expect(callActions(snap({ ...active, localHold: true }), [])).toEqual(['hangup', 'resume', 'mute', 'transfer']); // no DTMF on hold
    expect(callActions(snap({ ...active, transfer: 'blind' }), [])).toEqual(['hangup']);
    expect(callActions(snap({ kind: 'ended', reason: { code: 'hangup-local' } }), [])).toEqual([]);
  });

  it('two lines: swap for the held one, attended transfer between connected calls of one account', () => {
    const held = snap({ ...active, localHold: true });
    const other = snap(active, { info: { callId: 'c2', accountId: 'a', direction: 'outgoing', remote: 'sip:1002@pbx.example.com' } });
    const all = [held, other];
    expect(callActions(held, all)).toEqual(['hangup', 'resume', 'mute', 'transfer', 'attended-transfer', 'swap']);
    expect(callActions(other, all)).toContain('attended-transfer');
    expect(callActions(other, all)).not.toContain('swap');
    const otherAccount = snap(active, { info: { callId: 'c3', accountId: 'b', direction: 'outgoing', remote: 'sip:x@y' } });
    expect(callActions(held, [held, otherAccount])).not.toContain('attended-transfer');
  });

  it('security: TLS verified + SRTP is secure; chain-only weaker; plain TCP or no SRTP insecure; before the answer pending', () => {
    const secure = callSecurityView(snap(active));
    expect(secure).toMatchObject({ level: 'secure', signalling: { transport: 'tls', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', verification: 'full', hops: 'first-hop' }, media: { encrypted: true, suite: 'AES_CM_128_HMAC_SHA1_80', chosen: 'AES_CM_128_HMAC_SHA1_80', reasonCode: 'srtp-negotiated' } });
    expect(secure.media.offered).toEqual(['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);
    expect(secure.media.why).toMatch(/SRTP/);
    expect(callSecurityView(snap(active, { signalling: { transport: 'tls', sdesAllowed: true, everyHop: true, report: report('full', 'secure') } })).signalling.hops).toBe('every-hop');
    expect(callSecurityView(snap(active, { signalling: { transport: 'tls', sdesAllowed: true, everyHop: false, report: report('chain-only', 'weaker') } })).level).toBe('weaker');
    const tcp = callSecurityView(snap(active, { signalling: { transport: 'tcp', sdesAllowed: false, everyHop: false }, media: media(false) }));
    expect(tcp).toMatchObject({ level: 'insecure', signalling: { hops: 'none', tlsVersion: null }, media: { encrypted: false, reasonCode: 'peer-answered-no-crypto' } });
    expect(tcp.media.summary).toMatch(/NOT encrypted/);
    expect(tcp.media.warnings[0]).toMatch(/NOT encrypted/);
    expect(callSecurityView(snap(active, { media: undefined })).level).toBe('pending');
  });

  it('a whole CallView satisfies its schema and carries the end reason in words', () => {
    const ended = toCallView(snap({ kind: 'ended', reason: { code: 'busy', status: 486 } }, { endedAt: 1_800_000_005_000 }), []);
    expect(v.safeParse(CallViewSchema, ended).success).toBe(true);
    expect(ended.endReason).toEqual({ code: 'busy', status: 486, message: 'The other party is busy.' });
    expect(ended.remote).toEqual({ uri: 'sip:1001@pbx.example.com', label: '1001', displayName: null });
    expect(toCallView(snap({ kind: 'ended', reason: { code: 'busy', status: 486 } }, { info: { callId: 'c1', accountId: 'a', direction: 'incoming', remote: 'sips:bob@x', remoteName: 'Bob' } }), []).endReason?.message).toBe('You were busy.');
  });

  it('quality is rounded and rated; meters floor silence at −100 dBFS (JSON has no −Infinity)', () => {
    const q = callQualityView('c1', { packetsSent: 10, packetsReceived: 9, packetsLost: 1, lossPercent: 10.04, jitterMs: 3.456, srtpAuthFailures: 0, srtpReplays: 0, mos: 3.7 }, 'PCMU/8000');
    expect(q).toMatchObject({ lossPercent: 10, jitterMs: 3.5, mos: 3.7, rating: 'fair', rttMs: null, codec: 'PCMU/8000' });
    expect(callQualityView('c1', { packetsSent: 0, packetsReceived: 0, packetsLost: 0, lossPercent: 0, jitterMs: 0, srtpAuthFailures: 0, srtpReplays: 0 }, undefined).rating).toBe('unknown');
    const l = levelsView('c1', { inputRmsDbfs: -Infinity, inputPeakDbfs: -3.04, outputRmsDbfs: -130, outputPeakDbfs: 0, inputClipped: true });
    expect(l).toEqual({ callId: 'c1', inputRmsDbfs: -100, inputPeakDbfs: -3, outputRmsDbfs: -100, outputPeakDbfs: 0, inputClipped: true });
    expect(JSON.parse(JSON.stringify(l))).toEqual(l);
  });
});
