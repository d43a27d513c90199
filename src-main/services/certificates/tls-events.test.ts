import { describe, expect, it } from 'vitest';
import { Emitter } from '../../base/event.js';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import type { CertificateReport } from '../../platform/tls/certificate-report.js';
import type { PhoneEvent } from '../phone/phone-service.js';
import { TlsEventService } from './tls-events.js';

const report = {
  checkedAt: '2026-12-06T12:00:00.000Z',
  target: { domain: 'pbx.example.com', address: '203.0.113.7', port: 5061, sni: 'pbx.example.com' },
  mode: 'full',
  protocol: 'TLSv1.3',
  cipher: { name: 'TLS_AES_256_GCM_SHA384', standardName: 'TLS_AES_256_GCM_SHA384' },
  chain: [{ subject: 'CN=pbx.example.com', fingerprintSha256: 'AA:BB', notAfter: '2027-01-01T00:00:00.000Z', presented: true }],
  verdict: { ok: true, level: 'secure', notes: [] },
  revocation: { policy: 'soft-fail', status: 'not-stapled' },
  expiryWarnings: [],
} as unknown as CertificateReport;

describe('TLS event log per account', () => {
  it('connected, then reconnected (verified again) after a lost flow; failures with their problem; a stop starts over; bounded', () => {
    const events = new Emitter<PhoneEvent>();
    const log = new TlsEventService({ onEvent: events.event, reportOf: () => report }, new FakeClock());
    const connected = { kind: 'connected', transport: 'tls', remote: '203.0.113.7:5061', sdesAllowed: true, skipped: [] } as const;
    events.fire({ type: 'connection', accountId: 'a', state: connected });
    events.fire({ type: 'connection', accountId: 'a', state: { kind: 'failed', code: 'connection-reset', lost: true, skipped: [] } });
    events.fire({ type: 'connection', accountId: 'a', state: connected });
    events.fire({ type: 'connection', accountId: 'a', state: { kind: 'stopped' } });
    events.fire({ type: 'connection', accountId: 'a', state: connected });
    events.fire({ type: 'connection', accountId: 'b', state: { ...connected, transport: 'tcp' } });
    const list = log.list('a');
    expect(list.map((e) => e.kind)).toEqual(['connected', 'failed', 'reconnected', 'connected']);
    expect(list[0]).toMatchObject({ tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', address: '203.0.113.7', port: 5061, level: 'secure' });
    expect(list[0]!.summary).toBe('TLSv1.3 TLS_AES_256_GCM_SHA384, verified (full) · 1 certificate sent');
    expect(list[1]).toMatchObject({ problem: { code: 'connection-reset' }, chain: [] });
    expect(list[2]!.summary).toContain('verified again');
    expect(log.list('b')).toEqual([]); // plain TCP is not a TLS event
    for (let i = 0; i < 300; i++) events.fire({ type: 'connection', accountId: 'a', state: connected });
    expect(log.list('a')).toHaveLength(200);
    log.dispose();
  });
});
