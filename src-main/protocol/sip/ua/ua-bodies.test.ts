import { describe, expect, it } from 'vitest';
import { createRequest } from '../message/builders.js';
import { parseNameAddr } from '../message/name-addr.js';
import { createVia } from '../message/via.js';
import { formatDtmfRelay, parseDtmfInfo } from './dtmf-info.js';
import { endReasonForStatus } from './end-reason.js';
import { MAX_MESSAGE_COUNT, parseMessageSummary } from './message-summary.js';
import { parseReplaces, replacesForDialog } from './replaces.js';
import { expiryDelayMs, parseMinSe, parseSessionExpires, refreshDelayMs } from './session-timer.js';
import { formatSipfrag, parseSipfragStatus } from './sipfrag.js';

function requestWith(headers: [string, string][]) {
  const aor = parseNameAddr('sip:a@example.com')!;
  return createRequest({ method: 'INVITE', uri: aor.uri, via: [createVia({ transport: 'TLS', host: 'h', branch: 'z9hG4bKx' })], from: { ...aor, params: [{ name: 'tag', value: '1' }] }, to: aor, callId: 'c', cseq: 1, headers });
}

describe('bodies and headers the user agent reads and writes', () => {
  it('DTMF INFO: dtmf-relay (Cisco/Asterisk), event numbers 10/11 for * and #, application/dtmf; garbage ignored', () => {
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=250\r\n')).toEqual({ digit: '5', durationMs: 250 });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal= 10\nDuration=100')).toEqual({ digit: '*', durationMs: 100 });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=11')).toEqual({ digit: '#', durationMs: 160 });
    expect(parseDtmfInfo('application/dtmf; charset=x', '7')).toEqual({ digit: '7', durationMs: 160 });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=Z')).toBeUndefined();
    expect(parseDtmfInfo('text/plain', 'Signal=5')).toBeUndefined();
    expect(parseDtmfInfo('application/dtmf-relay', formatDtmfRelay('#', 160))).toEqual({ digit: '#', durationMs: 160 });
  });

  it('message-summary (RFC 3842 §5 example) gives the voicemail count', () => {
    const body = 'Messages-Waiting: yes\r\nMessage-Account: sip:alice@vmail.example.com\r\nVoice-Message: 4/8 (1/2)\r\n';
    expect(parseMessageSummary(body)).toEqual({ waiting: true, newMessages: 4, oldMessages: 8, urgentNew: 1, urgentOld: 2, account: 'sip:alice@vmail.example.com' });
    expect(parseMessageSummary('Messages-Waiting: no\r\n')).toMatchObject({ waiting: false, newMessages: 0 });
  });

  it('reads only whole-millisecond INFO durations (1e-1, 0.00017 are refused; fuzz crashers in test/corpus/dtmf-info)', () => {
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=5\nDuration=1e-1\n')).toEqual({ digit: '5', durationMs: 160 });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=*\r\nDuration=00000000.000000000017\r\n')).toEqual({ digit: '*', durationMs: 160 });
    expect(parseDtmfInfo('application/dtmf-relay', 'Signal=5\r\nDuration=250\r\n')).toEqual({ digit: '5', durationMs: 250 });
  });

  it('clamps message counts of any length to MAX_MESSAGE_COUNT (RFC 3842 grammar is unbounded; fuzz crasher in test/corpus/message-summary)', () => {
    const s = parseMessageSummary(`Messages-Waiting: yes\r\nVoice-Message: ${'9'.repeat(25)}/12 (100000000000000000000/3)\r\n`);
    expect(s).toEqual({ waiting: true, newMessages: MAX_MESSAGE_COUNT, oldMessages: 12, urgentNew: MAX_MESSAGE_COUNT, urgentOld: 3 });
    expect(parseMessageSummary('garbage')).toBeUndefined();
  });

  it('reads a header line padded with a long run of blanks in one pass (the old regex backtracked for seconds; fuzz crasher in test/corpus/message-summary)', () => {
    const pad = ' '.repeat(200_000);
    expect(parseMessageSummary(`Messages-Waiting:${pad}yes${pad}\r\nVoice-Message:${pad}3/4${pad}\r\n`)).toMatchObject({ waiting: true, newMessages: 3, oldMessages: 4 });
    expect(parseMessageSummary(`Messages-Waiting:${pad}yes\rages-Waiting: yes\r\n`)).toMatchObject({ waiting: false });
    expect(parseMessageSummary(`  Messages-Waiting  :  yes  \r\n`)).toMatchObject({ waiting: true });
    expect(parseMessageSummary(`Messages Waiting: yes\r\n`)).toBeUndefined();
  });

  it('sipfrag status lines round-trip and garbage is ignored', () => {
    expect(parseSipfragStatus(formatSipfrag(180, 'Ringing'))).toEqual({ status: 180, reason: 'Ringing' });
    expect(parseSipfragStatus('SIP/2.0 200 OK\r\nContact: <sip:x>\r\n')).toEqual({ status: 200, reason: 'OK' });
    expect(parseSipfragStatus('HTTP/1.1 200 OK')).toBeUndefined();
    expect(parseSipfragStatus('SIP/2.0 999 Nope')).toBeUndefined();
  });

  it('Replaces (RFC 3891): to-tag is the recipient-side local tag', () => {
    const value = replacesForDialog({ callId: 'abc@h', localTag: 'mine', remoteTag: 'theirs' });
    expect(value).toBe('abc@h;to-tag=theirs;from-tag=mine');
    expect(parseReplaces(value)).toEqual({ callId: 'abc@h', toTag: 'theirs', fromTag: 'mine', earlyOnly: false });
    expect(parseReplaces('abc;to-tag=1;from-tag=2;early-only')?.earlyOnly).toBe(true);
    expect(parseReplaces('abc;to-tag=1')).toBeUndefined();
  });

  it('session timers (RFC 4028): Session-Expires with refresher, Min-SE, compact form x, refresh at SE/2', () => {
    expect(parseSessionExpires(requestWith([['Session-Expires', '1800;refresher=uas']]))).toEqual({ seconds: 1800, refresher: 'uas' });
    expect(parseSessionExpires(requestWith([['x', '90']]))).toEqual({ seconds: 90 });
    expect(parseSessionExpires(requestWith([['Session-Expires', 'soon']]))).toBeUndefined();
    expect(parseMinSe(requestWith([['Min-SE', '120']]))).toBe(120);
    expect(refreshDelayMs(1800)).toBe(900_000);
    expect(expiryDelayMs(1800)).toBe(1_768_000);
    expect(expiryDelayMs(90)).toBe(60_000);
  });

  it('final responses map to end codes (RFC 3261 §21), the peer\'s words kept verbatim and bounded', () => {
    expect(endReasonForStatus(486, 'Busy Here').code).toBe('busy');
    expect(endReasonForStatus(603, 'Decline').code).toBe('declined');
    expect(endReasonForStatus(404, 'Not Found').code).toBe('not-found');
    expect(endReasonForStatus(488, 'Not Acceptable Here', '399 pbx "no crypto"')).toEqual({ code: 'media-refused', status: 488, peerText: '399 pbx "no crypto"' });
    expect(endReasonForStatus(500, 'Server Internal Error')).toEqual({ code: 'failed', status: 500, peerText: 'Server Internal Error' });
    expect(endReasonForStatus(480, '')).toEqual({ code: 'unavailable', status: 480 });
    expect(endReasonForStatus(499, 'x'.repeat(500)).peerText).toHaveLength(200);
  });
});
