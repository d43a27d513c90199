import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { AccountConfigSchema, AccountViewSchema } from '../../../../src-shared/model/account.js';
import type { CallRecord } from '../call-history.js';
import { toAccountView } from './account-view.js';
import { toHistoryEntryView } from './history-view.js';
import { partyView } from './party-view.js';

describe('AccountView and HistoryEntryView', () => {
  it('an account view shows the settings form’s values and no secret', () => {
    const config = v.parse(AccountConfigSchema, { uri: 'sips:alice@pbx.example.com', password: 'Hunter2-Secret', tls: { verify: 'pinned', pin: 'sha256/AAAA', clientCert: { pkcs12: '/x/alice.p12', password: 'P12-Secret' } } });
    const view = toAccountView({ id: 'alice', enabled: true, config, hasPassword: true, hasClientCertPassword: true, ephemeral: false, passwordNeeded: false }, true, [{ setting: 'tls.verify', reason: 'company policy' }]);
    expect(v.safeParse(AccountViewSchema, view).success).toBe(true);
    expect(view).toMatchObject({ shortAddress: 'alice@pbx.example.com', tlsScope: 'every-hop', verification: 'pinned', pin: 'sha256/AAAA', hasPassword: true, clientCertificate: { kind: 'pkcs12', file: '/x/alice.p12', hasPassword: true }, isDefault: true, locked: [{ setting: 'tls.verify', reason: 'company policy' }] });
    expect(view.srtpSuites[0]).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(JSON.stringify(view)).not.toMatch(/Hunter2|P12-Secret/);
  });

  it('history entries: missed calls, and how each ended in words', () => {
    const r: CallRecord = { id: 'a:1', accountId: 'a', direction: 'incoming', remote: 'sip:+4930123@pbx.example.com', startedAt: '2026-12-06T10:00:00.000Z', durationSeconds: 0, answered: false, outcome: 'missed', status: 487, tls: true, srtp: false };
    expect(toHistoryEntryView(r)).toMatchObject({ missed: true, outcome: 'missed', message: 'The caller hung up before you answered.', remote: { label: '+4930123' } });
    expect(toHistoryEntryView({ ...r, outcome: 'some-old-code' }).outcome).toBe('failed');
    expect(toHistoryEntryView({ ...r, direction: 'outgoing', outcome: 'busy', status: 486 })).toMatchObject({ missed: false, message: 'The other party is busy.' });
  });

  it('parties read as people read them', () => {
    expect(partyView('sips:bob@pbx.example.com', undefined).label).toBe('bob@pbx.example.com');
    expect(partyView('sip:1001@pbx.example.com;user=phone', undefined).label).toBe('1001');
    expect(partyView('tel:+4930123', ' ').label).toBe('+4930123');
    expect(partyView('sip:bob@x', 'Bob Martin')).toEqual({ uri: 'sip:bob@x', label: 'Bob Martin', displayName: 'Bob Martin' });
  });
});
