import { describe, expect, it } from 'vitest';
import { createLogger, MemorySink } from './logger.js';
import { REDACTED, redactText, redactValue } from './redact.js';

describe('redaction (DESIGN.md rule 3)', () => {
  it('removes SDES inline key material but keeps lifetime and MKI', () => {
    const line = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4';
    const out = redactText(line);
    expect(out).toBe(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${REDACTED}|2^20|1:4`);
    expect(out).not.toContain('WVNf');
  });

  it('removes Authorization and Proxy-Authorization header values, including folded lines', () => {
    const msg =
      'REGISTER sip:example.com SIP/2.0\r\nAuthorization: Digest username="alice", realm="x",\r\n response="6629fae49393a05397450978507c4ef1"\r\nproxy-authorization: Digest response="abc"\r\nCSeq: 2 REGISTER\r\n\r\n';
    const out = redactText(msg);
    expect(out).not.toContain('6629fae4');
    expect(out).not.toContain('alice');
    expect(out).toContain('CSeq: 2 REGISTER');
  });

  it('removes passwords in URIs and PEM private keys', () => {
    expect(redactText('sip:alice:s3cret@pbx.example.com')).toBe(`sip:alice:${REDACTED}@pbx.example.com`);
    const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----';
    expect(redactText(pem)).not.toContain('MIIEvQ');
  });

  it('redacts secret-named fields and byte arrays in structured values', () => {
    const v = redactValue({ password: 'hunter2', nested: { masterKey: 'abc', ok: 1 }, raw: new Uint8Array(30) });
    expect(v).toEqual({ password: REDACTED, nested: { masterKey: REDACTED, ok: 1 }, raw: '<30 bytes>' });
  });

  it('applies by construction in the logger', () => {
    const sink = new MemorySink();
    const log = createLogger({ sinks: [sink], level: 'debug' }).child('sip');
    log.info('sent a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { password: 'p' });
    expect(sink.text()).not.toContain('AAAAAAAA');
    expect(sink.text()).not.toContain('"p"');
    expect(sink.records[0]?.scope).toBe('sip');
  });
});
