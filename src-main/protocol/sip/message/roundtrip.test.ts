/**
 * Round-trip properties (DESIGN.md rule 5): messages built from arbitrary typed values serialize and
 * parse back to the same values; and parse → serialize → parse is stable on every vector and capture.
 */
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRequest, createResponse } from './builders.js';
import { textToByteString } from './byte-string.js';
import type { SipRequest, SipResponse } from './message.js';
import type { NameAddr } from './name-addr.js';
import type { SipParam } from './parameters.js';
import { parseMessage } from './parser.js';
import { serializeMessage } from './serializer.js';
import { sipUri, type Uri } from './uri.js';
import { createVia, type Via } from './via.js';

/** Removes control characters (keeping HTAB when asked): what TEXT-UTF8 cannot carry. */
function stripControls(s: string, keepTab = false): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if ((c < 0x20 && !(keepTab && c === 0x09)) || c === 0x7f) continue;
    out += ch;
  }
  return out;
}

const tokenChar = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~');
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 12 });
const octets = fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 10 });
const label = fc.stringMatching(/^[a-z]([a-z0-9-]{0,6}[a-z0-9])?$/);
const host = fc.oneof(
  fc.tuple(label, label).map(([a, b]) => `${a}.${b}`),
  fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.')),
  fc.constantFrom('[2001:db8::1]', '[::1]', '[fe80::1:2:3]', '[::ffff:192.0.2.1]'),
);
const uriParam: fc.Arbitrary<SipParam> = fc.record({ name: octets, value: fc.option(octets, { nil: null }) });
const uri: fc.Arbitrary<Uri> = fc
  .record({
    scheme: fc.constantFrom('sip' as const, 'sips' as const),
    user: fc.option(octets, { nil: undefined }),
    host,
    port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    params: fc.array(uriParam, { maxLength: 3 }),
  })
  .map((u) => sipUri(u));
const headerParam: fc.Arbitrary<SipParam> = fc.record({
  name: token,
  value: fc.option(fc.oneof(token, fc.string({ maxLength: 10 }).map((t) => JSON.stringify(stripControls(textToByteString(t)).replace(/[\\"]/g, '')))), { nil: null }),
});
const displayName = fc.option(fc.string({ maxLength: 16 }).map((s) => s.replace(/[\r\n]/g, '')), { nil: undefined });
const nameAddr: fc.Arbitrary<NameAddr> = fc.record({ displayName, uri, params: fc.array(headerParam, { maxLength: 3 }) });
const via: fc.Arbitrary<Via> = fc
  .record({ transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'WSS'), host, port: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), branch: token.map((t) => `z9hG4bK${t}`), rport: fc.boolean() })
  .map((v) => createVia(v));
const callId = fc.tuple(token, fc.option(token, { nil: undefined })).map(([a, b]) => (b === undefined ? a : `${a}@${b}`));
const body = fc.uint8Array({ maxLength: 300 });

const request = fc
  .record({
    method: token,
    uri,
    via: fc.array(via, { minLength: 1, maxLength: 3 }),
    from: nameAddr,
    to: nameAddr,
    callId,
    cseq: fc.integer({ min: 0, max: 0xffffffff }),
    maxForwards: fc.integer({ min: 0, max: 255 }),
    route: fc.array(nameAddr.map((n) => ({ ...n, uri: n.uri })), { maxLength: 2 }),
    contact: fc.array(nameAddr, { maxLength: 2 }),
    extra: fc.array(fc.tuple(token.map((t) => `X-${t}`), fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, '').trim())), { maxLength: 3 }),
    body,
  })
  .map((r) => createRequest({ ...r, headers: r.extra }));

function typed(m: SipRequest | SipResponse): unknown {
  const h = m.headers;
  return {
    start: m.kind === 'request' ? [m.method, m.uri] : [m.status, m.reason],
    via: h.via(),
    from: h.from(),
    to: h.to(),
    callId: h.callId(),
    cseq: h.cseq(),
    contact: h.contact(),
    route: h.route(),
    maxForwards: h.maxForwards(),
    raw: [...h].map((f) => [f.key, f.value]),
    body: Buffer.from(m.body).toString('hex'),
  };
}

describe('round trips', () => {
  it('property: requests built from arbitrary values serialize and parse back to the same values', () => {
    fc.assert(
      fc.property(request, (req) => {
        const r = parseMessage(serializeMessage(req));
        if (!r.ok) throw new Error(r.error.message);
        expect(typed(r.value as SipRequest)).toEqual(typed(req));
      }),
      { numRuns: 500 },
    );
  });

  it('property: responses to those requests round-trip, reason phrases included (UTF-8 text)', () => {
    fc.assert(
      fc.property(request, fc.integer({ min: 100, max: 699 }), fc.string({ maxLength: 20 }).map((s) => stripControls(s, true)), token, (req, status, reason, tag) => {
        const res = createResponse(req, status, reason, { toTag: tag });
        const r = parseMessage(serializeMessage(res));
        if (!r.ok) throw new Error(r.error.message);
        expect(typed(r.value as SipResponse)).toEqual(typed(res));
      }),
      { numRuns: 300 },
    );
  });

  it('parse → serialize → parse is stable for every vector, capture and corpus seed that parses', () => {
    const root = new URL('../../../../', import.meta.url);
    const dirs = ['test/vectors/rfc4475/', 'test/vectors/rfc5118/wire/', 'src-main/protocol/sip/message/captures/', 'test/corpus/sip/seeds/'];
    let n = 0;
    for (const d of dirs) {
      const dir = new URL(d, root);
      for (const f of readdirSync(dir).filter((x) => /\.(dat|sip)$/.test(x))) {
        const first = parseMessage(readFileSync(new URL(f, dir)));
        if (!first.ok) continue;
        const once = serializeMessage(first.value);
        const second = parseMessage(once);
        expect(second.ok, f).toBe(true);
        if (second.ok) expect(serializeMessage(second.value).equals(once), f).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(50);
  });
});
