/**
 * Real-world shaped messages (Asterisk PJSIP, FreeSWITCH mod_sofia, Kamailio, Linphone; captures/),
 * each with what the transaction and dialog layers need from it, followed by every truncation and a
 * set of typical corruptions: none may throw, each must give a value or a typed error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { H } from './header-kinds.js';
import type { SipRequest, SipResponse } from './message.js';
import { paramText } from './parameters.js';
import { checkMessage, parseMessage } from './parser.js';
import { serializeMessage } from './serializer.js';
import { SipStreamFramer } from './stream-framer.js';
import { tagOf } from './name-addr.js';
import type { SipUri } from './uri.js';

const DIR = new URL('./captures/', import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith('.sip')).sort();
const load = (f: string): Buffer => readFileSync(new URL(f, DIR));
const ok = <T>(f: string): T => {
  const r = parseMessage(load(f));
  if (!r.ok) throw new Error(`${f}: ${r.error.message}`);
  return r.value as T;
};

describe('captured messages from common PBXs and phones', () => {
  it('has the captures', () => expect(files.length).toBeGreaterThanOrEqual(10));

  for (const f of files) {
    it(`${f}: parses with no diagnostic at all, and re-serializes byte for byte (up to spaces after ":")`, () => {
      const bytes = load(f);
      const check = checkMessage(bytes);
      expect(check.errors).toEqual([]);
      const firstLine = bytes.indexOf('\r\n');
      const head = bytes.indexOf('\r\n\r\n');
      const headers = bytes.subarray(firstLine, head).toString('latin1').replace(/^([^:\r\n]+):[ \t]*/gm, '$1: ');
      const normalized = Buffer.concat([bytes.subarray(0, firstLine), Buffer.from(headers, 'latin1'), bytes.subarray(head)]);
      expect(serializeMessage(check.message!).toString('latin1')).toBe(normalized.toString('latin1'));
    });
  }

  it('Asterisk 401: Digest challenge with opaque and lower-case algorithm', () => {
    const m = ok<SipResponse>('asterisk-401-register.sip');
    const [c] = m.headers.wwwAuthenticate();
    expect(paramText(c!.params, 'realm')).toBe('asterisk');
    expect(paramText(c!.params, 'algorithm')).toBe('md5');
    expect(m.headers.contentLength()).toBe(0);
  });

  it('Asterisk 200 OK: to-tag, Contact target, SRTP SDP body', () => {
    const m = ok<SipResponse>('asterisk-200-invite.sip');
    expect(tagOf(m.headers.to()!)).toBe('3b6f3a3c-8a8f-4e3f-9a2e-7d1b0c5e9f21');
    expect((m.headers.contact()[0]!.uri as SipUri).host).toBe('192.0.2.50');
    expect(m.body.toString()).toContain('a=crypto:1 AES_CM_128_HMAC_SHA1_80');
    expect(m.headers.parsed(H.require)).toEqual(['timer']);
  });

  it('FreeSWITCH INVITE: Request-URI with ;ob, rport request, SAVP offer', () => {
    const m = ok<SipRequest>('freeswitch-invite-srtp.sip');
    expect((m.uri as SipUri).params.map((p) => p.name)).toEqual(['transport', 'ob']);
    expect(m.headers.topVia()?.rport).toBeNull();
    expect(m.headers.contentType()).toMatchObject({ type: 'application', subtype: 'sdp' });
  });

  it('FreeSWITCH 407: Proxy-Authenticate with qop', () => {
    const m = ok<SipResponse>('freeswitch-407-invite.sip');
    expect(m.status).toBe(407);
    expect(paramText(m.headers.proxyAuthenticate()[0]!.params, 'qop')).toBe('auth');
  });

  it('Kamailio INVITE: double Record-Route (r2=on), two Vias, display name without LWS', () => {
    const m = ok<SipRequest>('kamailio-invite-record-route.sip');
    expect(m.headers.recordRoute().map((r) => (r.uri as SipUri).params.find((p) => p.name === 'transport')?.value)).toEqual(['tls', undefined]);
    expect(m.headers.via().map((v) => v.transport)).toEqual(['TLS', 'UDP']);
    expect(m.headers.from()!.displayName).toBe('Alice Example');
  });

  it('Kamailio 200 to REGISTER: two bindings with expires, Path and Service-Route', () => {
    const m = ok<SipResponse>('kamailio-200-register.sip');
    expect(m.headers.contact().map((c) => paramText(c.params, 'expires'))).toEqual(['3600', '1024']);
    expect(m.headers.parsed(H.serviceRoute)).toHaveLength(1);
    expect(m.headers.parsed(H.path)).toHaveLength(1);
  });

  it('Linphone REGISTER: instance id, repeated Accept, Authorization', () => {
    const m = ok<SipRequest>('linphone-register.sip');
    expect(paramText(m.headers.contact()[0]!.params, '+sip.instance')).toBe('<urn:uuid:2b8e3f2a-4c5d-4e6f-8a9b-0c1d2e3f4a5b>');
    expect(m.headers.getAll('accept')).toHaveLength(3);
    expect(paramText(m.headers.authorization()[0]!.params, 'nc')).toBe('00000001');
    expect(m.headers.expires()).toBe(3600);
  });

  it('Linphone INVITE: GRUU Contact and ICE SDP', () => {
    const m = ok<SipRequest>('linphone-invite-ice.sip');
    expect((m.headers.contact()[0]!.uri as SipUri).params[0]).toEqual({ name: 'gr', value: 'urn:uuid:2b8e3f2a-4c5d-4e6f-8a9b-0c1d2e3f4a5b' });
    expect(m.body.toString()).toContain('typ srflx');
  });
});

describe('truncated and corrupted captures', () => {
  it('every truncation of every capture gives a value or a typed error, never an exception', () => {
    for (const f of files) {
      const bytes = load(f);
      const headEnd = bytes.indexOf('\r\n\r\n') + 4;
      for (let cut = 0; cut < bytes.length; cut++) {
        const r = parseMessage(bytes.subarray(0, cut));
        if (r.ok) {
          // Only cuts that keep a complete header section can parse (the body is then cut short
          // only when there is no Content-Length, which every capture has).
          expect(cut, f).toBeGreaterThanOrEqual(headEnd);
        } else if (cut >= headEnd) {
          expect(r.error.code, `${f} cut ${cut}`).toBe('truncated-body');
        } else expect(r.error.code, `${f} cut ${cut}`).toMatch(/^[a-z-]+$/);
      }
    }
  });

  it('over a stream, a truncated capture yields nothing until the rest arrives', () => {
    for (const f of files) {
      const bytes = load(f);
      const framer = new SipStreamFramer();
      expect(framer.push(bytes.subarray(0, bytes.length - 1))).toEqual([]);
      expect(framer.push(bytes.subarray(bytes.length - 1)).map((e) => e.kind)).toEqual(['message']);
    }
  });

  const corruptions: Array<[string, (s: string) => string, string]> = [
    ['Via without transport', (s) => s.replace(/^Via: SIP\/2\.0\/\w+ /m, 'Via: SIP/2.0 '), 'bad-header-value'],
    ['unterminated display name', (s) => s.replace(/^From: "([^"]*)"/m, 'From: "$1'), 'bad-header-value'],
    ['From without <> around a URI with spaces', (s) => s.replace(/^From: .*$/m, 'From: Some One sip:x@y'), 'bad-header-value'],
    ['CSeq above 2^32-1', (s) => s.replace(/^CSeq: \d+/m, 'CSeq: 99999999999'), 'bad-header-value'],
    ['negative Content-Length', (s) => s.replace(/^Content-Length: *\d+/m, 'Content-Length: -1'), 'bad-content-length'],
    ['Content-Length past the end', (s) => s.replace(/^Content-Length: *\d+/m, 'Content-Length: 99999'), 'truncated-body'],
    ['header line without colon', (s) => s.replace(/^(Call-ID): /m, '$1 '), 'bad-header-line'],
    ['Call-ID missing', (s) => s.replace(/^Call-ID: .*\r\n/m, ''), 'missing-header'],
    ['second To', (s) => s.replace(/^(To: .*\r\n)/m, '$1$1'), 'duplicate-header'],
    ['SIP/3.0', (s) => s.replace(/SIP\/2\.0/, 'SIP/3.0'), 'bad-version'],
    ['no empty line after the headers', (s) => s.slice(0, s.indexOf('\r\n\r\n') + 2), 'unterminated-headers'],
  ];
  for (const [what, corrupt, code] of corruptions) {
    it(`${what}: ${code} in every capture it applies to`, () => {
      let applied = 0;
      for (const f of files) {
        const original = load(f).toString('latin1');
        const bad = corrupt(original);
        if (bad === original) continue;
        applied++;
        const r = parseMessage(Buffer.from(bad, 'latin1'));
        expect(r.ok, `${f}`).toBe(false);
        if (!r.ok) expect(r.error.code, `${f}: ${r.error.message}`).toBe(code);
      }
      expect(applied).toBeGreaterThan(0);
    });
  }
});
