import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, JsonLinesSink, MemorySink, REDACTION_FAILED } from './logger.js';
import { isSecretFieldName, REDACTED, redactText, redactValue } from './redact.js';

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
    expect(out).toContain(`Authorization: Digest ${REDACTED}\r\nproxy-authorization: Digest ${REDACTED}\r\n`);
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

describe('secret field names (issue 15: password, secret, key… by word, in any casing)', () => {
  it('names holding a secret word are secret, in camelCase, snake_case, kebab-case, dotted and any casing', () => {
    const secret = [
      'password', 'sipPassword', 'pkcs12Password', 'PKCS12_PASSWORD', 'p12', 'pfxPassphrase', 'passphrase', 'privateKey', 'PRIVATE_KEY', 'private-key',
      'privatekey', 'PrivateKEY', 'apiSecret', 'client_secret', 'secret', 'key', 'keys', 'key2', 'masterKey', 'master_salt', 'apikey', 'X-Api-Key',
      'accessToken', 'token', 'credentials', 'sip.password', 'passwd', 'pwd', 'ice-pwd', 'pin', 'authorization', 'Proxy-Authorization', 'cookie',
      'response', 'cnonce', 'rspauth', 'inline', 'keyParams', 'a.b.srtpKey', 'SIPPASSWORD', 'sippassword',
      'publicKeyPassword', 'publicKeyAndPrivateKey', 'public.key.secret',
    ];
    for (const name of secret) expect(isSecretFieldName(name), name).toBe(true);
  });

  it('names that merely contain the letters are logged: keepAlive, keyframe, keyboard, monkey, hotkey, responseTime, publicKey', () => {
    const harmless = ['keepAlive', 'keyframe', 'keyboard', 'keypad', 'monkey', 'monkeys', 'donkey', 'hotkey', 'responseTime', 'status', 'nonce', 'realm', 'username', 'spinner', 'ping', 'actpass', 'bypass', 'passed', 'turkey', 'publicKey', 'public_key', 'PUBLICKEY', 'signingPublicKey', 'publicKeys'];
    for (const name of harmless) expect(isSecretFieldName(name), name).toBe(false);
  });

  it('a field name is secret in any casing of each character when its secret word is a long one or ends it', () => {
    const names = ['password', 'sipPassword', 'pkcs12Password', 'apiSecret', 'passphrase', 'accessToken', 'credential', 'privateKey', 'masterKey'];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }), (name, flips) => {
        expect(isSecretFieldName(recase(name, flips))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The property: a secret in any context, any casing of its keyword, any encoding of the line,
// never survives: not raw, not JSON-escaped (once or twice), not URL-encoded, not base64-encoded,
// and no 8-character piece of any of those forms. The text around it survives.
// ---------------------------------------------------------------------------------------------

const MARK = 'NOTSECRET';

/** Applies `flips` (one per character) as upper/lower casing. */
function recase(word: string, flips: readonly boolean[]): string {
  return [...word].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c.toLowerCase())).join('');
}
const casingOf = (word: string): fc.Arbitrary<string> => fc.array(fc.boolean(), { minLength: word.length, maxLength: word.length }).map((f) => recase(word, f));

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const base64Secret = fc.uint8Array({ minLength: 12, maxLength: 48 }).map(b64);
const hexSecret = fc.uint8Array({ minLength: 8, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const printable = (min = 10, exclude = ''): fc.Arbitrary<string> =>
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)).filter((c) => !exclude.includes(c)), minLength: min, maxLength: 40 });
/** One of the three alphabets the issue names, restricted to what the context's grammar admits. */
/**
 * One of the three alphabets the issue names, restricted to what the context's grammar admits.
 * A printable secret has no run of blanks and no blank at either end: blanks around a value are
 * not part of it (`password:   x` keeps its three spaces), and a run of them is no secret piece.
 */
const anySecret = (exclude = ''): fc.Arbitrary<string> =>
  fc.oneof(base64Secret, hexSecret, printable(10, exclude)).filter((s) => [...exclude].every((c) => !s.includes(c)) && s.trim() === s && !/\s\s/.test(s));

type Encoding = 'raw' | 'json' | 'json2' | 'url';
const ENCODINGS: readonly Encoding[] = ['raw', 'json', 'json2', 'url'];
/** How a log line carries the text: as is, in a JSON string (once, twice), in a URL query. */
function encode(line: string, e: Encoding): string {
  if (e === 'raw') return line;
  if (e === 'json') return `{"event":"sip","text":${JSON.stringify(line)},"tail":"${MARK}-J"}`;
  if (e === 'json2') return JSON.stringify({ body: JSON.stringify({ text: line }) });
  return `GET https://logs.example/in?q=${encodeURIComponent(line)}&tail=${MARK}-U`;
}

function forms(secret: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), JSON.stringify(JSON.stringify(secret)).slice(2, -2), encodeURIComponent(secret), Buffer.from(secret).toString('base64')];
}

/** The leaks: a form of a secret, or an 8-character piece of one. */
function leaks(output: string, secrets: readonly string[]): string[] {
  const text = output.split(REDACTED).join('\u0000');
  const found: string[] = [];
  for (const s of secrets)
    for (const f of forms(s)) {
      if (text.includes(f)) found.push(f);
      for (let i = 0; i + 8 <= f.length; i++) if (text.includes(f.slice(i, i + 8))) found.push(f.slice(i, i + 8));
    }
  return found;
}

interface Case {
  readonly line: string;
  readonly secrets: readonly string[];
  /** Text that must survive, per encoding (what is not asserted is over-masked there, by design). */
  readonly keep: readonly string[];
  readonly keepIn?: readonly Encoding[];
}

/** Runs the property over every encoding; the secrets must not occur in the line without them. */
function holds(c: Case, redact: (s: string) => string = redactText): void {
  for (const e of ENCODINGS) {
    let bare = c.line;
    for (const s of c.secrets) bare = bare.split(s).join('');
    fc.pre(leaks(encode(bare, e), c.secrets).length === 0);
    const out = redact(encode(c.line, e));
    expect(leaks(out, c.secrets), `${e}: ${out}`).toEqual([]);
    const part = (k: string): string => (e === 'url' ? encodeURIComponent(k) : e === 'json' ? JSON.stringify(k).slice(1, -1) : k);
    if ((c.keepIn ?? ['raw', 'json']).includes(e)) for (const k of c.keep) expect(out, `${e} keeps ${k}: ${out}`).toContain(k.split(REDACTED).map(part).join(REDACTED));
  }
}

const RUNS = { numRuns: Number(process.env.REDACT_RUNS ?? 150) };
const hname = fc.constantFrom('Authorization', 'Proxy-Authorization').chain(casingOf);
/** `Authorization:x`, `Authorization : x`, tabs: RFC 3261 HCOLON. */
const hcolon = fc.constantFrom(':', ': ', ' : ', '\t:\t', ':   ');
/** Breaks a header value over folded lines at some of its ", " (RFC 3261 §7.3.1). */
const folds = fc.array(fc.boolean(), { minLength: 12, maxLength: 12 });
function fold(value: string, where: readonly boolean[]): string {
  let i = 0;
  return value.replace(/, /g, () => (where[i++ % where.length] ? ',\r\n ' : ', '));
}

const SECRET_CONTEXTS = {
  /** RFC 4568 §9.1 several key-params in one a=crypto (`;inline:`), `inline` in any casing, MKI. */
  sdesKeyList: fc.tuple(fc.array(fc.tuple(base64Secret, casingOf('inline')), { minLength: 2, maxLength: 3 })).map(([keys]): Case => ({
    line: `a=crypto:1 AES_CM_128_HMAC_SHA1_80 ${keys.map(([k, inline], i) => `${inline}:${k}|2^20|${i + 1}:4`).join(';')} FEC_ORDER=FEC_SRTP ${MARK}`,
    secrets: keys.map(([k]) => k),
    keep: [keys.map((_, i) => `inline:${REDACTED}|2^20|${i + 1}:4`).join(';'), `FEC_ORDER=FEC_SRTP ${MARK}`],
    keepIn: ['raw', 'json', 'url'],
  })),
  /** RFC 4568 a=crypto, several lines, `inline` in any casing, with and without lifetime and MKI. */
  sdes: fc
    .tuple(fc.array(fc.tuple(base64Secret, casingOf('inline'), fc.constantFrom('', '|2^31', '|2^20|1:4', '|1:1', '|2^31|1:1')), { minLength: 1, maxLength: 3 }))
    .map(([keys]): Case => ({
      line: ['v=0', 'm=audio 4000 RTP/SAVP 0', ...keys.map(([k, inline, rest], i) => `a=crypto:${i + 1} AES_CM_128_HMAC_SHA1_80 ${inline}:${k}${rest}`), `a=rtcp-mux ${MARK}`].join('\r\n'),
      secrets: keys.map(([k]) => k),
      keep: [`a=rtcp-mux ${MARK}`, ...keys.map(([, , rest], i) => `a=crypto:${i + 1} AES_CM_128_HMAC_SHA1_80 inline:${REDACTED}${rest}\r\n`)],
      keepIn: ['raw', 'json', 'url'],
    })),
  /** RFC 4567 a=key-mgmt: the data goes, the protocol id stays. */
  keyMgmt: fc.tuple(base64Secret, casingOf('a=key-mgmt')).map(([data, attr]): Case => ({
    line: `v=0\r\n${attr}:mikey ${data}\r\na=sendrecv ${MARK}`,
    secrets: [data],
    keep: [`${attr}:mikey ${REDACTED}`, `a=sendrecv ${MARK}`],
    keepIn: ['raw', 'json', 'url'],
  })),
  /** RFC 4566 §5.12 k= (any text up to the end of the line). */
  sdpK: fc.tuple(anySecret(), fc.constantFrom('clear', 'base64', 'uri')).map(([key, method]): Case => ({
    line: `v=0\r\nk=${method}:${key}\r\na=sendrecv ${MARK}`,
    secrets: [key],
    keep: [`a=sendrecv ${MARK}`],
  })),
  /** Digest credentials (RFC 3261 §22.4): header name, `response`, `cnonce` in any casing, folded or not. */
  digestHeader: fc.tuple(hname, hcolon, casingOf('response'), casingOf('cnonce'), hexSecret, anySecret('"\\'), folds).map(([h, colon, response, cnonce, digest, cn, where]): Case => ({
    line: `REGISTER sip:pbx.example.com SIP/2.0\r\n${h}${colon}Digest ${fold(`username="alice", realm="pbx.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:pbx.example.com", ${response}="${digest}", algorithm=MD5, ${cnonce}="${cn}", qop=auth, nc=00000001`, where)}\r\nCSeq: 2 REGISTER ${MARK}\r\n`,
    secrets: [digest, cn],
    keep: [`CSeq: 2 REGISTER ${MARK}`, `${h}${colon}Digest ${REDACTED}\r\nCSeq`],
    keepIn: ['raw', 'json', 'url'],
  })),
  /** Other schemes lose their credentials whole: Bearer (RFC 6750), Basic (RFC 7617), Negotiate. */
  otherSchemes: fc
    .tuple(hname, hcolon, fc.constantFrom('Bearer', 'Basic', 'Negotiate', 'bearer', 'BASIC'), fc.oneof(base64Secret, printable(10)), fc.uint8Array({ minLength: 8, maxLength: 40 }))
    .map(([h, colon, scheme, secret, bytes]): Case => {
      const s = scheme.toLowerCase();
      const credentials = s === 'basic' ? Buffer.from(`alice:${secret}`).toString('base64') : s === 'bearer' ? `${Buffer.from(bytes).toString('base64url')}.${b64(bytes).slice(0, 12)}` : b64(bytes);
      return { line: `OPTIONS sip:x SIP/2.0\r\n${h}${colon}${scheme} ${credentials}\r\nCSeq: 7 OPTIONS ${MARK}\r\n`, secrets: [credentials], keep: [`CSeq: 7 OPTIONS ${MARK}`, `${h}${colon}${scheme} ${REDACTED}\r\n`], keepIn: ['raw', 'json', 'url'] };
    }),
  /** `response=`, `cnonce=`, `rspauth=` anywhere (RFC 2617 §3.2.2/§3.2.3), quoted or bare. */
  digestAnywhere: fc.tuple(casingOf('response'), casingOf('cnonce'), casingOf('rspauth'), hexSecret, hexSecret, hexSecret, fc.constantFrom('"', ''), fc.constantFrom('=', ' = ', '=\t')).map(([r, c, a, s1, s2, s3, q, eq]): Case => ({
    line: `auth done ${r}${eq}${q}${s1}${q}, ${c}${eq}${q}${s2}${q}; Authentication-Info: ${a}="${s3}" ${MARK}`,
    secrets: [s1, s2, s3],
    keep: [`${MARK}`, `${r}${eq}${q}${REDACTED}${q}, ${c}`],
    keepIn: ['raw', 'json', 'url'],
  })),
  /** A JSON object printed into a message: `"sipPassword":"…"`, in any casing. */
  jsonField: fc.tuple(fc.constantFrom('sipPassword', 'pkcs12Password', 'privateKey', 'PRIVATE_KEY', 'apiSecret', 'passphrase', 'accessToken', 'credential', 'password', 'secret', 'key', 'token', 'response', 'cnonce').chain((n) => fc.constantFrom(n, n.toUpperCase(), n.toLowerCase())), anySecret()).map(([name, secret]): Case => ({
    line: JSON.stringify({ user: 'alice', [name]: secret, note: MARK }),
    secrets: [secret],
    keep: [`"note":"${MARK}"`, '"user":"alice"'],
    keepIn: ['raw', 'json', 'url'],
  })),
  /** `password=…&…` (query strings, key=value logs): the value up to the next delimiter. */
  kvField: fc.tuple(fc.constantFrom('password', 'sip_password', 'apiKey', 'token', 'client-secret', 'PASSPHRASE'), anySecret(' \t&,;"\'<>()[]{}\\')).map(([name, secret]): Case => ({
    line: `POST /provision?user=alice&${name}=${secret}&note=${MARK}`,
    secrets: [secret],
    keep: [`&note=${MARK}`, 'user=alice'],
  })),
  /** Prose and YAML: `password: …` through the end of the line. */
  colonField: fc.tuple(fc.constantFrom('password', 'Password', 'PKCS12 password', 'private key', 'sip.password', 'apiSecret'), anySecret().filter((s) => !/^[[{]/.test(s))).map(([name, secret]): Case => ({
    line: `provisioning failed, ${name}: ${secret}\n${MARK} next line`,
    secrets: [secret],
    keep: [`\n${MARK} next line`, 'provisioning failed, '],
    // Inside a JSON string the escaped line break cannot be told from a `\n` in a raw password:
    // the value is masked through the end of the real line there (over-masking, never a leak).
    // A value opening a bracket is read as an object that may span lines (see bracketValues).
    keepIn: ['raw'],
  })),
  /** PEM private keys (RFC 7468), any label. */
  pem: fc.tuple(fc.constantFrom('', 'RSA ', 'EC ', 'ENCRYPTED ', 'OPENSSH ', 'DSA '), fc.uint8Array({ minLength: 48, maxLength: 300 })).map(([label, der]): Case => {
    const lines = b64(der).match(/.{1,64}/g) ?? [];
    return { line: `loaded -----BEGIN ${label}PRIVATE KEY-----\n${lines.join('\n')}\n-----END ${label}PRIVATE KEY----- ${MARK}`, secrets: lines.filter((l) => l.length >= 8), keep: [`PRIVATE KEY----- ${MARK}`, 'loaded -----BEGIN '], keepIn: ['raw', 'json', 'url'] };
  }),
  /** RFC 3261 §19.1.1 user:password@ (password characters: unreserved, escaped, & = + $ ,). */
  uriPassword: fc.tuple(fc.constantFrom('sip', 'sips', 'SIP'), fc.stringMatching(/^[A-Za-z0-9\-_.!~*'()&=+$,]{10,30}$/)).map(([scheme, pw]): Case => ({
    line: `Contact: <${scheme}:alice:${pw}@pbx.example.com;transport=tls>;expires=3600 ${MARK}`,
    secrets: [pw],
    keep: ['@pbx.example.com;transport=tls>;expires=3600', MARK],
    keepIn: ['raw', 'json', 'url'],
  })),
  /** `Bearer <token>` anywhere. */
  bearer: fc.tuple(casingOf('bearer'), fc.uint8Array({ minLength: 12, maxLength: 40 })).map(([b, bytes]): Case => {
    const token = Buffer.from(bytes).toString('base64url');
    return { line: `calling provisioning API with ${b} ${token} ${MARK}`, secrets: [token], keep: [` ${MARK}`], keepIn: ['raw', 'json', 'url'] };
  }),
};

describe('redaction property: every context, keyword casing and encoding (issue 15)', () => {
  for (const [name, arb] of Object.entries(SECRET_CONTEXTS)) {
    it(`${name}: no form or 8-character piece of the secret survives raw, JSON-escaped (1 and 2 levels) or URL-encoded text; the rest stays`, () => {
      fc.assert(fc.property(arb, (c) => holds(c)), RUNS);
    });
  }

  it('the secret survives in no structured path of the logger: fields, nested arrays/Maps/Sets, Errors (message, cause, stack), Buffers, JSON lines', () => {
    const names = ['sipPassword', 'pkcs12Password', 'privateKey', 'PRIVATE_KEY', 'apiSecret', 'passphrase', 'accessToken', 'credentials', 'key'];
    const contexts = Object.values(SECRET_CONTEXTS);
    fc.assert(
      fc.property(fc.constantFrom(...names), anySecret(), fc.oneof(...contexts), (name, secret, c) => {
        const logged = (s: string, line: string): string => {
          const mem = new MemorySink();
          const lines: string[] = [];
          const log = createLogger({ sinks: [mem, new JsonLinesSink({ write: (l: string) => lines.push(l) })], level: 'debug' });
          const err = new Error(`REGISTER failed: ${line}`, { cause: { [name]: s, text: line } });
          err.stack = `Error: REGISTER failed: ${line}\n    at register (account-runtime.ts:120:11)`;
          log.error(line, {
            [name]: s,
            sdp: line,
            nested: [{ deeper: new Map<string, unknown>([[name, s], ['text', line]]) }, new Set([line])],
            error: err,
            stack: err.stack,
            blob: Buffer.from(`${s} ${line}`),
            note: MARK,
          });
          return [mem.text(), ...lines].join('\n');
        };
        const secrets = [secret, ...c.secrets];
        let bare = c.line;
        for (const s of c.secrets) bare = bare.split(s).join('');
        fc.pre(leaks(logged('', bare), secrets).length === 0);
        const all = logged(secret, c.line);
        expect(leaks(all, secrets)).toEqual([]);
        expect(all).toContain(MARK);
      }),
      { numRuns: 200 },
    );
  });

  it('a record whose redaction throws (a field getter that throws) is dropped to a placeholder, and the caller goes on', () => {
    const sink = new MemorySink();
    const log = createLogger({ sinks: [sink] });
    const hostile = {
      get boom(): string {
        throw new Error('getter');
      },
    };
    expect(() => log.info('sent inline:QUJDREVGR0hJSktMTU5PUFFS', { hostile })).not.toThrow();
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]?.message).toBe(REDACTION_FAILED);
    expect(sink.text()).not.toContain('QUJDREVG');
  });

  it('bracketValues: an object or array under a secret name goes whole, across lines; an unclosed one to the end of the text', () => {
    expect(redactText('{"privateKey":{"kty":"EC","d":"c2VjcmV0LWQ}"},"note":"x"}')).toBe(`{"privateKey":"${REDACTED}","note":"x"}`);
    expect(redactText("{\n  privateKey: {\n    d: 'c2VjcmV0LWQ'\n  },\n  note: 'x'\n}")).toBe(`{\n  privateKey: ${REDACTED},\n  note: 'x'\n}`);
    expect(redactText('password: [c2VjcmV0LWQ\nmore')).toBe(`password: ${REDACTED}`);
  });

  it('JSON stays JSON: a secret-named member holding an object, array or number gets a quoted mask, also JSON-escaped (a diagnostics bundle file is parsed)', () => {
    const doc = { publicKey: { type: 'ec', bits: 256 }, key: { type: 'rsa', bits: 2048 }, pin: 123456, keys: ['c2VjcmV0LWQ', 'b3RoZXI'], nested: [{ salt: 99887766 }], ok: 1 };
    for (const space of [0, 2]) {
      const text = JSON.stringify(doc, null, space);
      const out: unknown = JSON.parse(redactText(text));
      expect(out).toEqual({ publicKey: { type: 'ec', bits: 256 }, key: REDACTED, pin: REDACTED, keys: REDACTED, nested: [{ salt: REDACTED }], ok: 1 });
      // One level of escaping: the record is a JSON string inside a JSON line.
      const line = JSON.stringify({ msg: text });
      const inner = (JSON.parse(redactText(line)) as { msg: string }).msg;
      expect(JSON.parse(inner)).toEqual(out);
    }
  });

  it('booleans under secret names stay (a flag says nothing secret); empty and null values stay empty', () => {
    expect(redactValue({ tokenOk: true, hasPassword: false, password: '', key: null })).toEqual({ tokenOk: true, hasPassword: false, password: '', key: null });
  });
});

describe('redaction cost is linear (no backtracking): 1 MB of each pathological input', () => {
  // No timed assertion (DESIGN.md rule 14): a quadratic path would take hours on 1 MB and trip the
  // test timeout; the figures are measured by hand (see the issue's closing note).
  const MB = 1 << 20;
  const fill = (s: string, n = MB): string => s.repeat(Math.ceil(n / s.length)).slice(0, n);
  const inputs: Record<string, string> = {
    letters: fill('a'),
    backslashes: fill('\\'),
    quotes: fill('"'),
    keywords: fill('key'),
    jsonKeys: fill('"key":"'),
    unterminatedJson: `"password":"${fill('\\"')}`,
    inlineRun: fill('inline:'),
    longKey: `inline:${fill('A')}`,
    sipUserinfo: fill('sip:a:'),
    urlUserinfo: fill('://a:b'),
    pemBegins: fill('-----BEGIN '),
    authLines: fill('Authorization: x\r\n'),
    authFolds: `Authorization: ${fill('x\r\n ')}`,
    brackets: `"key":${fill('[')}`,
    unclosedBrackets: fill('"key":[\n'),
    proseBrackets: fill('key: {\n'),
    escapes: fill('\\n'),
    encoded: fill('%22%3a'),
    kLines: fill('\nk='),
    bearers: fill('Bearer '),
    longNames: `${fill('abcKeydef')}:x`,
  };
  for (const [name, text] of Object.entries(inputs)) {
    it(`${name}: redacted in one pass, output no longer than a mask per input character`, () => {
      const out = redactText(text);
      expect(out.length).toBeLessThanOrEqual(text.length * (REDACTED.length + 1));
      expect(leaks(out, [])).toEqual([]);
    });
  }
});
