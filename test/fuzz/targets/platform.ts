/**
 * Platform parsers fed by the outside world:
 *  - `wav`: WAV files for the file audio backend (typed wav-* errors; decoded audio re-encodes and
 *    parses back equal);
 *  - `certificate`: DER certificates as a TLS peer presents them (the constructor may refuse bytes
 *    that are no certificate with an Error; a certificate it accepts never throws from any
 *    getter the report and the verifier read); PEM bundles never throw;
 *  - `ocsp`: stapled OCSP responses (a status from the closed list, never a throw; `good` only
 *    with the signed data and signature of a genuine response);
 *  - `dns-answers`: DNS responses (wire format, as the DNS server sends them) turned into the
 *    records the DnsPort hands the RFC 3263 resolver; it always settles, with targets that are
 *    addresses of the right family, usable ports and the located domain as TLS identity;
 *  - `host-port`: HOST[:PORT] text (settings, outbound proxy, CLI).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isIP } from 'node:net';
import dnsPacket from 'dns-packet';
import * as pkijs from 'pkijs';
import { err, ok, type Result } from '../../../src-main/base/result.js';
import { encodeWav, parseWav } from '../../../src-main/platform/audio/wav-format.js';
import { parseCertificate, parseCertificatesPem, type ParsedCertificate } from '../../../src-main/platform/tls/parsed-certificate.js';
import { evaluateStapledOcsp, type OcspStatus } from '../../../src-main/platform/tls/ocsp-evaluator.js';
import type { DnsFailure, DnsPort, NaptrRecord, SrvRecord } from '../../../src-main/platform/net/dns-port.js';
import { Rfc3263Resolver } from '../../../src-main/platform/net/rfc3263-resolver.js';
import { formatHostPort, parseHostPort, type LocateRequest } from '../../../src-main/platform/net/sip-hop.js';
import { corpusRoot, corpusSeeds, readFiles } from '../corpus-files.js';
import type { Rand } from '../rand.js';
import { assert, assertEqual, fail, latin1, type FuzzTarget } from '../target.js';

// ---------------------------------------------------------------- WAV

export const wavTarget: FuzzTarget = {
  name: 'wav',
  description: 'WAV (RIFF/WAVE) reader: typed wav-* errors; decoded audio re-encodes and parses back equal',
  seeds: () => [...corpusSeeds('wav'), encodeWav(8000, Int16Array.of(0, 1, -1, 32767, -32768)), encodeWav(48000, new Int16Array(64).map((_, i) => i * 512 - 16384))],
  mutator: { dictionary: ['RIFF', 'WAVE', 'fmt ', 'data', 'LIST', 'fact', Uint8Array.of(1, 0), Uint8Array.of(3, 0), Uint8Array.of(0xfe, 0xff), Uint8Array.of(0xff, 0xff, 0xff, 0xff), Uint8Array.of(0, 0, 0, 0)], maxLength: 4096 },
  check: (input) => {
    const r = parseWav(input);
    if (!r.ok) {
      assert(r.error.code === 'wav-invalid' || r.error.code === 'wav-unsupported', () => `untyped WAV error ${r.error.code}`);
      return;
    }
    const { sampleRate, channels, samples } = r.value;
    assert(Number.isInteger(sampleRate) && sampleRate > 0, () => `sample rate ${sampleRate}`);
    assert(Number.isInteger(channels) && channels >= 1, () => `channels ${channels}`);
    const again = parseWav(encodeWav(sampleRate, samples));
    if (!again.ok) fail(`re-encoded WAV does not parse: ${again.error.code}`);
    assertEqual([again.value.sampleRate, again.value.channels, again.value.samples], [sampleRate, 1, samples], 'WAV round trip');
  },
};

// ---------------------------------------------------------------- certificates

/** Every fact the report, the verifier and the logs read from a certificate. */
function readAll(c: ParsedCertificate): void {
  JSON.stringify(c);
  void [c.subject, c.issuer, c.subjectCommonNames, c.sans, c.hasSan, c.notBefore.getTime(), c.notAfter.getTime(), c.serialNumber, c.isCa, c.pathLen, c.keyUsage, c.extKeyUsage];
  void [c.signatureAlgorithm, c.publicKey, c.fingerprintSha256, c.spkiPin, c.selfIssued, c.caIssuersUrls];
}

export const certificateTarget: FuzzTarget = {
  name: 'certificate',
  description: 'X.509 DER certificates (RFC 5280): refused with an Error at parse or every getter works; PEM bundles never throw',
  seeds: () => corpusSeeds('certificate'),
  mutator: { maxLength: 4096, maxOps: 3 },
  check: (input, r) => {
    let c: ParsedCertificate | undefined;
    try {
      c = parseCertificate(input);
    } catch (e) {
      assert(e instanceof Error, 'parseCertificate threw a non-Error');
    }
    if (c !== undefined) readAll(c);
    if (r.oneIn(16)) {
      // PEM bundles are parsed lazily (local files of hundreds of roots): reading must not throw
      // for the certificates parseCertificate accepts.
      const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(input).toString('base64')}\n-----END CERTIFICATE-----\n`;
      const bundle = parseCertificatesPem(pem);
      if (c !== undefined) for (const p of bundle) readAll(p);
    }
  },
};

// ---------------------------------------------------------------- OCSP

const OCSP_STATUSES: ReadonlySet<OcspStatus> = new Set<OcspStatus>(['not-requested', 'absent', 'good', 'revoked', 'unknown', 'invalid', 'stale']);
let ocspContext: { leaf: ParsedCertificate; issuer: ParsedCertificate; now: number; signed: Buffer; signature: Buffer } | undefined;

/** The signed ResponseData and the signature value of a genuine response. */
function signedParts(good: Buffer): { signed: Buffer; signature: Buffer } {
  const outer = pkijs.OCSPResponse.fromBER(new Uint8Array(good));
  const basic = pkijs.BasicOCSPResponse.fromBER(outer.responseBytes!.response.valueBlock.valueHexView);
  return { signed: Buffer.from(basic.tbsResponseData.tbsView), signature: Buffer.from(basic.signature.valueBlock.valueHexView) };
}

export const ocspTarget: FuzzTarget = {
  name: 'ocsp',
  description: 'Stapled OCSP responses (RFC 6960): a status from the closed list, never a throw; `good` only when the genuine response is in it',
  setup: async () => {
    const dir = join(corpusRoot, 'ocsp', 'context');
    const read = (f: string): Buffer => readFileSync(join(dir, f));
    ocspContext = {
      leaf: parseCertificate(read('leaf.der')),
      issuer: parseCertificate(read('issuer.der')),
      now: Number(read('now.txt').toString('utf8').trim()),
      ...signedParts(read('good.der')),
    };
  },
  seeds: () => corpusSeeds('ocsp'),
  mutator: { maxLength: 4096, maxOps: 3 },
  check: async (input) => {
    const ctx = ocspContext!;
    const res = await evaluateStapledOcsp(input, ctx.leaf, ctx.issuer, { now: ctx.now });
    assert(OCSP_STATUSES.has(res.status), () => `OCSP status ${String(res.status)}`);
    if (res.status === 'good') {
      // Only the wrapper and the certs are unsigned: a good verdict needs the genuine signed data and signature.
      const b = Buffer.from(input);
      assert(b.includes(ctx.signed) && b.includes(ctx.signature), 'a response without the genuine signed data and signature was accepted as good');
    }
  },
};

// ---------------------------------------------------------------- DNS answers

type Answers = { naptr: NaptrRecord[]; srv: SrvRecord[]; a: string[]; aaaa: string[]; failure: DnsFailure['kind'] | undefined };

function answersOf(input: Uint8Array): Answers | undefined {
  let packet: dnsPacket.Packet;
  try {
    packet = dnsPacket.decode(Buffer.from(input));
  } catch {
    return undefined; // not a DNS message: the stub resolver (c-ares) refuses it before we see records
  }
  const out: Answers = { naptr: [], srv: [], a: [], aaaa: [], failure: undefined };
  const rcode = (packet as { rcode?: string }).rcode;
  if (rcode === 'SERVFAIL') out.failure = 'server-failure';
  else if (rcode === 'REFUSED') out.failure = 'refused';
  for (const rr of [...(packet.answers ?? []), ...(packet.additionals ?? [])]) {
    const data = (rr as { data?: unknown }).data;
    switch (rr.type) {
      case 'NAPTR': {
        const d = data as { order: number; preference: number; flags: string; services: string; regexp: string; replacement: string };
        out.naptr.push({ order: d.order, preference: d.preference, flags: d.flags, service: d.services, regexp: d.regexp, replacement: d.replacement });
        break;
      }
      case 'SRV': {
        const d = data as { priority?: number; weight?: number; port?: number; target: string };
        out.srv.push({ priority: d.priority ?? 0, weight: d.weight ?? 0, port: d.port ?? 0, name: d.target });
        break;
      }
      case 'A':
        if (isIP(String(data)) === 4) out.a.push(String(data));
        break;
      case 'AAAA':
        if (isIP(String(data)) === 6) out.aaaa.push(String(data));
        break;
      default:
        break;
    }
  }
  return out;
}

/** A DnsPort answering every query from one response (names ignored: every record reaches the resolver). */
function portOf(a: Answers): DnsPort {
  const answer = <T>(name: string, type: DnsFailure['type'], list: readonly T[]): Promise<Result<readonly T[], DnsFailure>> => {
    if (a.failure !== undefined) return Promise.resolve(err({ kind: a.failure, code: a.failure === 'refused' ? 'EREFUSED' : 'ESERVFAIL', name, type }));
    return Promise.resolve(list.length === 0 ? err({ kind: 'no-records', code: 'ENODATA', name, type }) : ok(list));
  };
  return {
    resolveNaptr: (n) => answer(n, 'NAPTR', a.naptr),
    resolveSrv: (n) => answer(n, 'SRV', a.srv),
    resolve4: (n) => answer(n, 'A', a.a),
    resolve6: (n) => answer(n, 'AAAA', a.aaaa),
  };
}

const REQUESTS: readonly LocateRequest[] = [
  { host: 'example.com', secure: false },
  { host: 'example.com', secure: true },
  { host: 'example.com', secure: false, transport: 'tcp' },
  { host: 'example.com.', secure: false, supported: ['udp'] },
  { host: 'Example.COM', secure: true, transport: 'tcp' },
  { host: 'example.com', secure: false, port: 5070 },
  { host: 'example.com', secure: false, outboundProxy: { host: 'proxy.example.net' } },
];

async function checkDns(input: Uint8Array, r: Rand): Promise<void> {
  const answers = answersOf(input);
  if (answers === undefined) return;
  const rng = { bytes: (n: number): Uint8Array => r.bytes(n), uint32: (): number => r.next() };
  const req = r.pick(REQUESTS);
  const resolver = new Rfc3263Resolver(portOf(answers), rng, { addressOrder: r.pick(['ipv4-first', 'ipv6-first', 'ipv4-only', 'ipv6-only'] as const) });
  const res = await resolver.locate(req);
  if (!res.ok) {
    assert(res.error.code === 'dns-failure' || res.error.code === 'no-targets', () => `resolver error ${res.error.code}`);
    return;
  }
  const identity = (req.outboundProxy ?? req).host.toLowerCase().replace(/\.$/, '');
  for (const t of res.value.targets) {
    assert(isIP(t.address) === t.family, () => `target address ${t.address} is not an IPv${t.family} address`);
    assert(Number.isInteger(t.port) && t.port >= 1 && t.port <= 65535, () => `target port ${t.port}`);
    assert(t.identity === identity, () => `TLS identity ${t.identity} is not the located domain ${identity}`);
    if (req.secure) assert(t.transport === 'tls', () => `a sips request got a ${t.transport} target`);
  }
}

export const dnsAnswersTarget: FuzzTarget = {
  name: 'dns-answers',
  description: 'DNS responses (NAPTR, SRV, A, AAAA; RFC 3263 §4, RFC 2782) through the resolver: it settles, targets are addresses with usable ports and the located domain as identity',
  seeds: () => corpusSeeds('dns-answers'),
  mutator: { maxLength: 1500 },
  check: checkDns,
};

// ---------------------------------------------------------------- host:port

export const hostPortTarget: FuzzTarget = {
  name: 'host-port',
  description: 'HOST[:PORT] text (outbound proxy, settings, CLI): undefined or a host and a port 1–65535 that format and parse back',
  seeds: () => readFiles('test/corpus/host-port', ['.txt']).flatMap((b) => latin1(b).split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => new Uint8Array(Buffer.from(l, 'latin1')))),
  mutator: { dictionary: [':', '[', ']', '::', '.', '5060', '65536', '0', ' '], text: true, maxLength: 512 },
  check: (input) => {
    const hp = parseHostPort(latin1(input));
    if (hp === undefined) return;
    assert(hp.host.length > 0, 'empty host');
    if (hp.port !== undefined) {
      assert(Number.isInteger(hp.port) && hp.port >= 1 && hp.port <= 65535, () => `port ${hp.port}`);
      assertEqual(parseHostPort(formatHostPort(hp.host, hp.port)), hp, 'host:port round trip');
    }
  },
};
