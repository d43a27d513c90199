/**
 * RFC 4475 "SIP Torture Test Messages", Appendix A (test/vectors/rfc4475, bit-exact archive copy).
 * Every message whose index entry says valid parses; every invalid one is rejected with a typed error
 * and, where it is a request, a 400/505 whose Reason-Phrase names the problem.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createParseErrorResponse } from './error-response.js';
import { H } from './header-kinds.js';
import type { SipMessage, SipRequest, SipResponse } from './message.js';
import { getParam, paramText } from './parameters.js';
import { checkMessage, parseMessage } from './parser.js';
import { serializeMessage } from './serializer.js';
import type { SipUri } from './uri.js';
import { isRfc3261Branch } from './via.js';

const DIR = new URL('../../../../test/vectors/rfc4475/', import.meta.url);

interface Entry {
  name: string;
  file: string;
  section: string;
  title: string;
  category: string;
  valid: boolean;
  expect: string;
  sha256: string;
  bytes: number;
}

const index = JSON.parse(readFileSync(new URL('index.json', DIR), 'utf8')) as Entry[];
const load = (name: string): Buffer => readFileSync(new URL(`${name}.dat`, DIR));

function parsed(name: string): SipMessage {
  const r = parseMessage(load(name));
  if (!r.ok) throw new Error(`${name}: ${r.error.message}`);
  return r.value;
}
const req = (name: string): SipRequest => parsed(name) as SipRequest;
const res = (name: string): SipResponse => parsed(name) as SipResponse;
const sipUri = (u: unknown): SipUri => {
  expect((u as SipUri).kind).toBe('sip');
  return u as SipUri;
};

describe('RFC 4475 vectors (copy integrity)', () => {
  it('has the 49 RFC messages plus the undescribed test.dat, each with the SHA-256 the index records', () => {
    expect(index).toHaveLength(50);
    expect(index.filter((e) => e.section !== '(none)')).toHaveLength(49);
    for (const e of index) {
      const bytes = load(e.name);
      expect(bytes.length, e.name).toBe(e.bytes);
      expect(createHash('sha256').update(bytes).digest('hex'), e.name).toBe(e.sha256);
    }
  });
});

describe('RFC 4475: what index.json says about each message', () => {
  for (const e of index) {
    it(`RFC 4475 §${e.section} ${e.name} (${e.title}) is ${e.valid ? 'accepted' : 'rejected'}`, () => {
      const r = parseMessage(load(e.name));
      expect(r.ok, r.ok ? '' : r.error.message).toBe(e.valid);
      if (!r.ok) {
        expect([400, 505, 513]).toContain(r.error.status);
        expect(r.error.reason).toMatch(/^[\x20-\x7e]+$/);
        expect(checkMessage(load(e.name)).errors.length).toBeGreaterThan(0);
      } else {
        // A valid message serializes and parses again to the same values.
        const again = parseMessage(serializeMessage(r.value));
        expect(again.ok).toBe(true);
      }
    });
  }
});

describe('RFC 4475 §3.1.1 valid messages: parsed values', () => {
  it('§3.1.1.1 wsinv: folding, LWS around separators, compact forms, leading zeros, opaque unknown header', () => {
    const m = req('wsinv');
    expect(m.method).toBe('INVITE');
    expect(m.headers.maxForwards()).toBe(68);
    expect(m.headers.cseq()).toEqual({ seq: 9, method: 'INVITE' });
    expect(m.headers.get('UnknownHeaderWithUnusualValue')).toBe(';;,,;;,;');
    expect(m.headers.get('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    expect(m.headers.to()?.params).toEqual([{ name: 'tag', value: '1918181833n' }]);
    expect(m.headers.from()?.displayName).toBe('J Rosenberg \\"');
    expect(getParam(m.headers.from()!.params, 'tag')).toBe('98asjd8');
    const vias = m.headers.via();
    expect(vias.map((v) => [v.transport, v.host, v.branch])).toEqual([
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    const contact = m.headers.contact()[0]!;
    expect(contact.displayName).toBe('Quoted string ""');
    expect(contact.params.map((p) => p.name)).toEqual(['newparam', 'secondparam', 'q']);
    expect(m.headers.get('subject')).toBe('');
    expect(m.body.length).toBe(150);
    expect(m.headers.route()[0]?.uri.kind).toBe('sip');
  });

  it('§3.1.1.2 intmeth: unusual method and URI characters, quoted-pair NUL, UTF-8 parameter', () => {
    const m = req('intmeth');
    expect(m.method).toBe("!interesting-Method0123456789_*+`.%indeed'~");
    const uri = sipUri(m.uri);
    expect(uri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(uri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(m.headers.to()?.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(m.headers.from()?.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(paramText(m.headers.from()!.params, "fromParam''~+*_!.-%")).toBe(Buffer.from('работающий', 'utf8').toString('latin1'));
    expect(m.headers.callId()).toBe("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  });

  it('§3.1.1.3 esc01: %-escapes in URIs are decoded exactly once', () => {
    const m = req('esc01');
    expect(sipUri(m.uri).user).toBe('sips:user@example.com');
    expect(sipUri(m.headers.to()!.uri).user).toBe('user');
    expect(sipUri(m.headers.from()!.uri).user).toBe('I have spaces');
    const c = sipUri(m.headers.contact()[0]!.uri);
    expect(c.user).toBe('caller');
    expect(c.params).toEqual([
      { name: 'lr', value: null },
      { name: 'name', value: 'value%41' },
    ]);
  });

  it('§3.1.1.4 escnull: %00 does not truncate users; two distinct contacts', () => {
    const m = req('escnull');
    expect(sipUri(m.headers.to()!.uri).user).toBe('null-\0-null');
    expect(m.headers.contact().map((c) => sipUri(c.uri).user)).toEqual(['\0', '\0\0']);
  });

  it('§3.1.1.5 esc02: % in a method is not an escape; "C%6Fntact" is another header', () => {
    const m = req('esc02');
    expect(m.method).toBe('RE%47IST%45R');
    expect(m.headers.from()?.displayName).toBe('%Z%45');
    expect(m.headers.contact()).toHaveLength(2);
    expect(m.headers.get('C%6Fntact')).toBe('<sip:alias2@host2.example.com>');
  });

  it('§3.1.1.6 lwsdisp: no LWS between display name and <', () => {
    expect(req('lwsdisp').headers.from()?.displayName).toBe('caller');
  });

  it('§3.1.1.7 longreq: long values and many Via values', () => {
    const m = req('longreq');
    expect(m.headers.via().length).toBeGreaterThan(30);
    expect(m.headers.to()!.displayName!.length).toBeGreaterThan(90);
    expect(m.headers.callId()!.length).toBeGreaterThan(100);
  });

  it('§3.1.1.8 dblreq: trailing octets of the datagram after Content-Length are ignored', () => {
    const m = req('dblreq');
    expect(m.method).toBe('REGISTER');
    expect(m.body.length).toBe(0);
    expect(serializeMessage(m).toString('latin1')).not.toContain('INVITE');
  });

  it('§3.1.1.9 semiuri: ; and escaped @ belong to the user part', () => {
    const u = sipUri(req('semiuri').uri);
    expect(u.user).toBe('user;par=u@example.net');
    expect(u.host).toBe('example.com');
  });

  it('§3.1.1.10 transports: known and unknown transports in Via', () => {
    expect(req('transports').headers.via().map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });

  it('§3.1.1.11 mpart01: binary multipart body framed strictly by Content-Length', () => {
    const m = req('mpart01');
    expect(m.body.length).toBe(553);
    expect(m.body.includes(0)).toBe(true);
    expect(m.headers.contentType()?.type).toBe('multipart');
  });

  it('§3.1.1.12 unreason: UTF-8 Reason-Phrase decoded as text', () => {
    const m = res('unreason');
    expect(m.status).toBe(200);
    expect(m.reason).toContain('= 2**3 * 5**2 ');
    expect(m.reason).toMatch(/[\u0400-\u04ff]/);
  });

  it('§3.1.1.13 noreason: empty Reason-Phrase', () => {
    const m = res('noreason');
    expect(m.status).toBe(100);
    expect(m.reason).toBe('');
  });
});

describe('RFC 4475 §3.1.2 invalid messages: precise errors', () => {
  const cases: Array<[string, string, number, RegExp, string?]> = [
    ['badinv01', 'bad-header-value', 400, /Via/, 'Via'],
    ['clerr', 'truncated-body', 400, /Content-Length/],
    ['ncl', 'bad-content-length', 400, /Content-Length/],
    ['scalar02', 'bad-header-value', 400, /CSeq/, 'CSeq'],
    ['scalarlg', 'bad-header-value', 400, /CSeq/, 'CSeq'],
    ['quotbal', 'bad-header-value', 400, /To/, 'To'],
    ['ltgtruri', 'bad-request-uri', 400, /<>/],
    ['lwsruri', 'bad-request-uri', 400, /Whitespace/],
    ['lwsstart', 'bad-start-line', 400, /Whitespace/],
    ['trws', 'bad-start-line', 400, /Trailing Whitespace/],
    ['escruri', 'bad-request-uri', 400, /Headers/],
    ['baddate', 'bad-header-value', 400, /Date/, 'Date'],
    ['regbadct', 'bad-header-value', 400, /Contact/, 'Contact'],
    ['badaspec', 'bad-header-value', 400, /To/, 'To'],
    ['baddn', 'bad-header-value', 400, /From/, 'From'],
    ['badvers', 'bad-version', 505, /Version Not Supported/],
    ['mismatch01', 'cseq-method-mismatch', 400, /CSeq/],
    ['mismatch02', 'cseq-method-mismatch', 400, /CSeq/],
    ['bigcode', 'bad-status-code', 400, /Status Code/],
  ];
  for (const [name, code, status, reason, header] of cases) {
    it(`${name}: ${code} (${status})`, () => {
      const r = parseMessage(load(name));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error.code).toBe(code);
      expect(r.error.status).toBe(status);
      expect(r.error.reason).toMatch(reason);
      if (header !== undefined) expect(r.error.header).toBe(header);
    });
  }

  it('§3.1.2.4 scalar02 diagnostics also flag Max-Forwards 300 and the overlarge Expires', () => {
    const headers = checkMessage(load('scalar02')).errors.map((e) => e.header);
    expect(headers).toEqual(expect.arrayContaining(['CSeq', 'Max-Forwards', 'Expires']));
  });

  it('§3.1.2.5 scalarlg diagnostics also flag Retry-After and the 4-digit warn-code', () => {
    const headers = checkMessage(load('scalarlg')).errors.map((e) => e.header);
    expect(headers).toEqual(expect.arrayContaining(['CSeq', 'Retry-After', 'Warning']));
  });

  it('a 400/505 answers each invalid request, copying Via/From/To/Call-ID/CSeq; responses get none', () => {
    for (const e of index.filter((x) => !x.valid)) {
      const bytes = load(e.name);
      const r = parseMessage(bytes);
      if (r.ok) throw new Error(`${e.name} parsed`);
      const answer = createParseErrorResponse(bytes, r.error, { toTag: 'srv1' });
      const isResponse = bytes.toString('latin1').startsWith('SIP/');
      if (isResponse || e.name === 'insuf' || e.name === 'test') {
        expect(answer, e.name).toBeUndefined();
        continue;
      }
      expect(answer, e.name).toBeDefined();
      expect(answer!.status).toBe(r.error.status);
      expect(answer!.reason).toBe(r.error.reason);
      const back = parseMessage(serializeMessage(answer!));
      if (e.name === 'quotbal' || e.name === 'badaspec' || e.name === 'baddn' || e.name === 'scalar02' || e.name === 'badinv01' || e.name === 'multi01') continue; // copied bad headers stay bad
      expect(back.ok, `${e.name}: ${back.ok ? '' : back.error.message}`).toBe(true);
    }
  });
});

describe('RFC 4475 §3.2–§3.4: transaction, application and compatibility messages parse as the RFC says', () => {
  it('§3.2.1 badbranch: a bare magic cookie is not an RFC 3261 branch', () => {
    const v = req('badbranch').headers.topVia()!;
    expect(v.branch).toBe('z9hG4bK');
    expect(isRfc3261Branch(v.branch)).toBe(false);
  });
  it('§3.3.1 insuf: rejected for the missing mandatory headers', () => {
    const r = parseMessage(load('insuf'));
    expect(!r.ok && r.error.code).toBe('missing-header');
    expect(checkMessage(load('insuf')).errors.map((e) => e.header)).toEqual(['From', 'To', 'Call-ID']);
  });
  it('§3.3.2–§3.3.4 unknown schemes parse as opaque absolute URIs', () => {
    expect(req('unkscm').uri).toMatchObject({ kind: 'absolute', scheme: 'nobodyknowsthisscheme' });
    expect(req('novelsc').uri).toMatchObject({ kind: 'absolute', scheme: 'soap.beep' });
    const m = req('unksm2');
    expect(m.headers.to()!.uri).toMatchObject({ kind: 'absolute', scheme: 'isbn' });
    expect(m.headers.from()!.uri).toMatchObject({ kind: 'absolute', scheme: 'http' });
    expect(m.headers.contact()[0]!.uri).toMatchObject({ kind: 'absolute', scheme: 'name' });
  });
  it('§3.3.5 bext01 exposes Require and Proxy-Require option tags', () => {
    const m = req('bext01');
    expect(m.headers.parsed(H.require)).toContain('nothingSupportsThis');
    expect(m.headers.parsed(H.proxyRequire)).toContain('noProxiesSupportThis');
  });
  it('§3.3.7 regaut01 keeps the Authorization header parsed', () => {
    expect(req('regaut01').headers.authorization()[0]?.scheme).toBe('NoOneKnowsThisScheme');
  });
  it('§3.3.8 multi01 and §3.3.9 mcl01 are rejected', () => {
    const multi = checkMessage(load('multi01')).errors.map((e) => e.header);
    expect(multi).toEqual(expect.arrayContaining(['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards']));
    const r = parseMessage(load('mcl01'));
    expect(!r.ok && r.error.code).toBe('bad-content-length');
  });
  it('§3.3.10 bcast: broadcast sent-by parses', () => {
    expect(res('bcast').headers.via()[1]?.host).toBe('255.255.255.255');
  });
  it('§3.3.11 zeromf: Max-Forwards 0', () => {
    expect(req('zeromf').headers.maxForwards()).toBe(0);
  });
  it('§3.3.12 cparam01: in addr-spec form ;unknownparam is a header parameter', () => {
    const c = req('cparam01').headers.contact()[0]!;
    expect(sipUri(c.uri).params).toEqual([]);
    expect(c.params).toEqual([{ name: 'unknownparam', value: null }]);
  });
  it('§3.3.13 cparam02: inside <> ;unknownparam is a URI parameter', () => {
    const c = req('cparam02').headers.contact()[0]!;
    expect(sipUri(c.uri).params).toEqual([{ name: 'unknownparam', value: null }]);
    expect(c.params).toEqual([]);
  });
  it('§3.3.14 regescrt: the escaped Route header stays in the Contact URI', () => {
    const c = sipUri(req('regescrt').headers.contact()[0]!.uri);
    expect(c.headers).toEqual([{ name: 'Route', value: '<sip:sip.example.com>' }]);
  });
  it('§3.4.1 inv2543: no branch, no From tag, no Content-Length: body is the rest', () => {
    const m = req('inv2543');
    expect(m.headers.topVia()?.branch).toBeUndefined();
    expect(getParam(m.headers.from()!.params, 'tag')).toBeUndefined();
    expect(m.headers.contentLength()).toBeUndefined();
    expect(m.body.toString()).toMatch(/^v=0\r\n[\s\S]*m=audio 49217 RTP\/AVP 0\r\n$/);
  });
});
