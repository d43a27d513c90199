import { describe, expect, it } from 'vitest';
import { digestAuthorization, digestResponse, parseDigestChallenge } from './sip-digest.js';

describe('sip-digest (harness helper)', () => {
  it('computes the RFC 2617 §3.5 example response (qop=auth)', () => {
    const challenge = parseDigestChallenge(
      'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    expect(challenge.qop).toEqual(['auth', 'auth-int']);
    expect(challenge.opaque).toBe('5ccc069c403ebaf9f0171e9517f40e41');
    const response = digestResponse({ challenge, method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle Of Life', cnonce: '0a4f113b', nc: 1 });
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('computes the RFC 2069-style response when no qop is offered, and names it in the header', () => {
    const challenge = parseDigestChallenge('Digest realm="pbx.test", nonce="abc"');
    const header = digestAuthorization({ challenge, method: 'REGISTER', uri: 'sip:pbx.test', username: 'alice', password: 'pw' });
    // MD5(MD5("alice:pbx.test:pw"):abc:MD5("REGISTER:sip:pbx.test")), computed independently.
    expect(header).toContain('response="668018b2cf42e67e5c69ed684f12b308"');
    expect(header).not.toContain('qop=');
    expect(header).toMatch(/^Digest username="alice", realm="pbx\.test", nonce="abc", uri="sip:pbx\.test", response="[0-9a-f]{32}"/);
  });

  it('rejects a challenge without a nonce', () => {
    expect(() => parseDigestChallenge('Digest realm="x"')).toThrow(/nonce/);
  });
});
