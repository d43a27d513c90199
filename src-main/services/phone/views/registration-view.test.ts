import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { RegistrationViewSchema } from '../../../../src-shared/model/registration.js';
import type { CertificateReport } from '../../../platform/tls/certificate-report.js';
import { toRegistrationView, type RegistrationInputs } from './registration-view.js';

const T = Date.UTC(2026, 11, 6, 12, 0, 0);
const tls = { mode: 'full', protocol: 'TLSv1.3', cipher: { name: 'TLS_AES_256_GCM_SHA384', standardName: 'TLS_AES_256_GCM_SHA384' }, verdict: { ok: true, level: 'secure', notes: [] }, expiryWarnings: [] } as unknown as CertificateReport;
const base: RegistrationInputs = { accountId: 'a', enabled: true, registers: true, connection: undefined, registration: undefined, lastRegistered: undefined, report: undefined, since: T };
const connected = { kind: 'connected', transport: 'tls', remote: '203.0.113.7:5061', sdesAllowed: true, skipped: [] } as const;

function view(over: Partial<RegistrationInputs>) {
  const r = toRegistrationView({ ...base, ...over });
  expect(v.safeParse(RegistrationViewSchema, r).success).toBe(true);
  return r;
}

describe('RegistrationView (RFC 3261 §10 client over the account flow)', () => {
  it('connecting: looking up the server, then each address in turn', () => {
    expect(view({ connection: { kind: 'connecting', phase: 'resolving' } })).toMatchObject({ state: 'connecting', progress: 'Looking up the server…', flow: null });
    expect(view({ connection: { kind: 'connecting', phase: 'connecting', address: '2001:db8::7', port: 5061, index: 1, of: 2 } }).progress).toBe('Connecting to [2001:db8::7]:5061 (2 of 2)…');
  });

  it('registered: since, expiry, the flow with TLS version, cipher and how the server was verified', () => {
    const r = view({ connection: connected, registration: { kind: 'registered', expires: 600, contact: 'sip:x', registeredAt: T }, report: tls });
    expect(r).toMatchObject({ state: 'registered', since: new Date(T).toISOString(), expiresAt: new Date(T + 600_000).toISOString(), expiresSeconds: 600, failure: null });
    expect(r.flow).toEqual({ transport: 'tls', remote: '203.0.113.7:5061', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', verification: 'full', level: 'secure', warning: null, keysAllowed: true, skipped: [] });
  });

  it('a refresh in flight stays registered; a first registration shows as connecting', () => {
    const last = { kind: 'registered', expires: 600, contact: 'sip:x', registeredAt: T } as const;
    expect(view({ connection: connected, registration: { kind: 'registering', refresh: true }, lastRegistered: last }).state).toBe('registered');
    expect(view({ connection: connected, registration: { kind: 'registering', refresh: false } })).toMatchObject({ state: 'connecting', progress: 'Registering…' });
  });

  it('a connection that fails says why in words, with the fix, the servers skipped and the next retry', () => {
    const r = view({
      connection: {
        kind: 'failed',
        code: 'expired',
        retryInMs: 30_000,
        lost: false,
        skipped: [
          { transport: 'tls', address: '203.0.113.7', port: 5061, hostname: 'sip1.example.com', code: 'expired' },
          { transport: 'tls', address: '203.0.113.8', port: 5061, hostname: 'sip2.example.com', code: 'connection-refused' },
        ],
      },
    });
    expect(r.state).toBe('failed');
    expect(r.failure).toMatchObject({ code: 'expired', message: "The server's certificate has expired.", hint: expect.stringMatching(/renew/) });
    expect(r.failure?.detail?.servers).toMatch(/203\.0\.113\.7:5061 \(sip1\.example\.com\): The server's certificate has expired\..*203\.0\.113\.8:5061.*refused/);
    expect(r.nextRetryAt).toBe(new Date(T + 30_000).toISOString());
  });

  it('a refused registration: typed code, status and the server’s reason phrase; no retry for bad credentials', () => {
    const r = view({ connection: connected, registration: { kind: 'failed', code: 'auth-failed', status: 403, reasonPhrase: 'Forbidden', retryInMs: null }, report: tls });
    expect(r).toMatchObject({ state: 'failed', nextRetryAt: null, failure: { code: 'registration-auth-failed', message: 'The server refused the user name or password (403 Forbidden).' } });
  });

  it('plain transports and chain-only carry their warning; disabled and call-only accounts say so', () => {
    const tcp = view({ connection: { ...connected, transport: 'tcp', sdesAllowed: false, weakness: 'plaintext' }, registration: { kind: 'registered', expires: 60, contact: 'x', registeredAt: T } });
    expect(tcp.flow).toMatchObject({ level: 'plaintext', keysAllowed: false, tlsVersion: null, warning: expect.stringMatching(/not encrypted/) });
    const chain = view({ connection: { ...connected, weakness: 'chain-only' }, report: { ...tls, mode: 'chain-only', verdict: { ok: true, level: 'weaker', notes: [] } } as CertificateReport });
    expect(chain.flow).toMatchObject({ level: 'weaker', verification: 'chain-only', warning: expect.stringMatching(/chain-only/) });
    expect(view({ enabled: false }).progress).toBe('Disabled');
    expect(view({ registers: false, connection: connected }).progress).toMatch(/does not register/);
  });
});
