/**
 * `softphone tls-check HOST[:PORT]`: connects to a SIP-over-TLS server the way an account would
 * and prints, per address, the negotiated version and cipher, the chain, and the verdict with its
 * typed error - the seed's `openssl s_client -connect IP:5061 -servername DOMAIN` checks, with
 * SIP's identity rules (RFC 5922) and the multi-IP/GeoDNS case (`--all-addresses`).
 *
 * Exit status: 0 every checked address passed, 1 one failed, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { SystemClock } from '../../base/clock.js';
import type { CertificateReport } from '../../platform/tls/certificate-report.js';
import { loadClientCredentials, type ClientCredentials } from '../../platform/tls/client-certificate.js';
import { NodeTlsConnector } from '../../platform/tls/tls-connector.js';
import type { TlsError } from '../../platform/tls/tls-error.js';
import { resolveTlsSettings, type TlsMinVersion, type VerificationMode } from '../../platform/tls/tls-settings.js';
import type { OcspPolicy } from '../../platform/tls/ocsp-evaluator.js';
import { TrustStore } from '../../platform/tls/trust-store.js';
import { NodeDnsPort } from '../../platform/net/dns-port.js';
import { formatHostPort, ipFamily, parseHostPort } from '../../platform/net/sip-hop.js';
import { resolveAddresses } from '../../platform/net/certificate-inspector.js';
import { problem } from '../../services/problems/problem-catalog.js';
import { noteWords } from '../../services/phone/views/certificate-view.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand, type CliIo } from '../cli-io.js';

export const TLS_CHECK_USAGE =
  'tls-check HOST[:PORT] [--servername NAME] [--ca FILE]... [--mode full|chain-only|pinned] [--pin sha256/BASE64]... ' +
  '[--cert FILE --key FILE | --pkcs12 FILE --password P] [--ocsp off|soft-fail|hard-fail] [--min-version TLSv1.2|TLSv1.3] ' +
  '[--all-addresses] [--dns-server IP[:PORT]] [--timeout MS] [--json]';

const HELP = `Usage: softphone ${TLS_CHECK_USAGE}

Checks a SIP-over-TLS server as an account would (default port 5061) and prints, for each address,
the negotiated TLS version and cipher, the certificate chain and the verdict.

  --servername NAME   SIP domain for SNI and the certificate check (default: HOST)
  --ca FILE           extra trusted CA certificate(s), PEM; repeatable
  --mode MODE         full (default), chain-only (no hostname check), pinned (needs --pin)
  --pin PIN           sha256/BASE64 SPKI pin or SHA-256 certificate fingerprint; repeatable
  --cert/--key FILE   client certificate and key (PEM) for mutual TLS
  --pkcs12 FILE       client certificate as PKCS#12; password from --password or $SOFTPHONE_PKCS12_PASSWORD
  --ocsp POLICY       revocation policy for the stapled OCSP response (default soft-fail)
  --all-addresses     check every address HOST resolves to (multi-IP / GeoDNS deployments)
  --json              machine-readable output; error codes verbatim (expired, hostname-mismatch, ...)
`;

interface Options {
  target: { host: string; port: number };
  servername?: string;
  cas: string[];
  mode: VerificationMode;
  pins: string[];
  cert?: string;
  key?: string;
  pkcs12?: string;
  password?: string;
  ocsp: OcspPolicy;
  minVersion: TlsMinVersion;
  allAddresses: boolean;
  dnsServer?: string;
  timeoutMs: number;
  json: boolean;
}

type Parsed = { ok: true; options: Options } | { ok: false; message: string } | { ok: 'help' };

function parseArgs(args: readonly string[]): Parsed {
  const o: Partial<Options> & { cas: string[]; pins: string[] } = { cas: [], pins: [], mode: 'full', ocsp: 'soft-fail', minVersion: 'TLSv1.2', allAddresses: false, timeoutMs: 10_000, json: false };
  let target: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => {
      const v = args[i + 1];
      if (v === undefined || v.startsWith('--')) return undefined;
      i++;
      return v;
    };
    const need = (name: string): string => {
      const v = value();
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    try {
      switch (a) {
        case '--help':
        case '-h':
          return { ok: 'help' };
        case '--servername':
          o.servername = need(a);
          break;
        case '--ca':
          o.cas.push(need(a));
          break;
        case '--mode': {
          const m = need(a);
          if (m !== 'full' && m !== 'chain-only' && m !== 'pinned') return { ok: false, message: `unknown mode ${m} (full, chain-only, pinned)` };
          o.mode = m;
          break;
        }
        case '--pin':
          o.pins.push(need(a));
          break;
        case '--cert':
          o.cert = need(a);
          break;
        case '--key':
          o.key = need(a);
          break;
        case '--pkcs12':
          o.pkcs12 = need(a);
          break;
        case '--password':
          o.password = need(a);
          break;
        case '--ocsp': {
          const p = need(a);
          if (p !== 'off' && p !== 'soft-fail' && p !== 'hard-fail') return { ok: false, message: `unknown OCSP policy ${p}` };
          o.ocsp = p;
          break;
        }
        case '--min-version': {
          const v = need(a);
          if (v !== 'TLSv1.2' && v !== 'TLSv1.3') return { ok: false, message: `minimum version must be TLSv1.2 or TLSv1.3` };
          o.minVersion = v;
          break;
        }
        case '--all-addresses':
          o.allAddresses = true;
          break;
        case '--dns-server':
          o.dnsServer = need(a);
          break;
        case '--timeout': {
          const n = Number(need(a));
          if (!Number.isInteger(n) || n <= 0) return { ok: false, message: '--timeout needs a positive number of milliseconds' };
          o.timeoutMs = n;
          break;
        }
        case '--json':
          o.json = true;
          break;
        default:
          if (a.startsWith('-')) return { ok: false, message: `unknown option ${a}` };
          if (target !== undefined) return { ok: false, message: `unexpected argument ${a}` };
          target = a;
      }
    } catch (e) {
      if (e instanceof UsageError) return { ok: false, message: e.message };
      throw e;
    }
  }
  if (target === undefined) return { ok: false, message: 'HOST[:PORT] is required' };
  const hp = parseHostPort(target);
  if (hp === undefined) return { ok: false, message: `cannot read ${target} as HOST[:PORT]` };
  if (o.mode === 'pinned' && o.pins.length === 0) return { ok: false, message: '--mode pinned needs --pin' };
  if ((o.cert === undefined) !== (o.key === undefined)) return { ok: false, message: '--cert and --key go together' };
  if (o.cert !== undefined && o.pkcs12 !== undefined) return { ok: false, message: 'use either --cert/--key or --pkcs12' };
  return { ok: true, options: { ...(o as Options), target: { host: hp.host, port: hp.port ?? 5061 } } };
}

class UsageError extends Error {}

interface AddressResult {
  readonly address: string;
  readonly port: number;
  readonly ok: boolean;
  readonly error?: { readonly code: string; readonly message: string; readonly hint: string };
  readonly report?: CertificateReport;
}

/** The typed error with its words (made once, in services/problems). */
function errorJson(e: TlsError): NonNullable<AddressResult['error']> {
  const p = problem(e.code);
  return { code: e.code, message: p.message, hint: p.hint ?? '' };
}

async function addressesOf(o: Options): Promise<{ ok: true; addresses: string[] } | { ok: false; error: TlsError }> {
  const dns = new NodeDnsPort({ ...(o.dnsServer === undefined ? {} : { servers: [o.dnsServer] }), timeoutMs: 3000 });
  const r = await resolveAddresses(dns, o.target.host);
  return r.ok ? { ok: true, addresses: r.value } : { ok: false, error: r.error };
}

function readFile(io: CliIo, path: string): Buffer {
  return readFileSync(isAbsolute(path) ? path : resolve(io.cwd, path));
}

function renderText(o: Options, domain: string, results: readonly AddressResult[]): string {
  const out: string[] = [];
  out.push(`tls-check ${domain} port ${o.target.port} (mode ${o.mode}${ipFamily(domain) === undefined ? `, SNI ${domain}` : ', no SNI (IP literal)'})`);
  for (const r of results) {
    out.push('', `Address ${formatHostPort(r.address, r.port)}`);
    const rep = r.report;
    if (rep?.protocol !== undefined) out.push(`  Protocol: ${rep.protocol}   Cipher: ${rep.cipher?.standardName ?? rep.cipher?.name ?? '?'}`);
    if (rep !== undefined && rep.chain.length > 0) {
      out.push('  Chain:');
      rep.chain.forEach((c, i) => {
        const sans = [...c.sans.dns.map((d) => `DNS:${d}`), ...c.sans.uri.map((u) => `URI:${u}`), ...c.sans.ip.map((p) => `IP:${p}`), ...c.sans.email.map((m) => `email:${m}`)];
        out.push(`    [${i}] ${c.role}${c.trustAnchor ? ` (trust anchor${c.anchorSource === undefined ? '' : `, ${c.anchorSource}`})` : ''}: ${c.subject}`);
        out.push(`        issuer:   ${c.issuer}`);
        if (sans.length > 0) out.push(`        SANs:     ${sans.join(', ')}`);
        out.push(`        valid:    ${c.notBefore} to ${c.notAfter} (${c.daysLeft < 0 ? `expired ${-c.daysLeft} days ago` : `${c.daysLeft} days left`})`);
        out.push(`        key:      ${c.publicKey.type}${c.publicKey.bits === undefined ? '' : ` ${c.publicKey.bits} bits`}${c.publicKey.curve === undefined ? '' : ` (${c.publicKey.curve})`}, signed ${c.signatureAlgorithm}`);
        out.push(`        SHA-256:  ${c.fingerprintSha256}`);
        out.push(`        SPKI pin: ${c.spkiPin}`);
      });
    }
    if (rep?.identity !== undefined) {
      const id = rep.identity;
      out.push(`  Identity: ${id.matched === undefined ? `no match for ${id.reference}` : `${id.reference} matched ${id.matched} (${id.source ?? ''})`}${id.checked ? '' : ' (not required in this mode)'}`);
    }
    if (rep?.pin !== undefined) out.push(`  Pin: ${rep.pin.matched ? 'matches' : 'does not match'}`);
    if (rep !== undefined && rep.revocation.status !== 'not-requested') out.push(`  Revocation (OCSP, ${rep.revocation.policy}): ${rep.revocation.status}${rep.revocation.detail === undefined ? '' : ` - ${rep.revocation.detail}`}`);
    if (r.ok) out.push(`  Verdict: OK (${rep?.verdict.level ?? 'secure'})`);
    else out.push(`  Verdict: FAILED ${r.error?.code ?? ''} - ${r.error?.message ?? ''}`, `  Fix: ${r.error?.hint ?? ''}`);
    for (const n of rep?.verdict.notes ?? []) out.push(`  Note: ${noteWords(n)}`);
    for (const w of rep?.expiryWarnings ?? []) out.push(`  Warning: ${w.subject} ${w.threshold === 0 ? 'has expired' : `expires in ${w.daysLeft} days (under ${w.threshold})`}`);
  }
  return `${out.join('\n')}\n`;
}

export const tlsCheck: CliCommand = async (args, io) => {
  const parsed = parseArgs(args);
  if (parsed.ok === 'help') {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  if (!parsed.ok) {
    io.stderr.write(`tls-check: ${parsed.message}\nUsage: softphone ${TLS_CHECK_USAGE}\n`);
    return EXIT_USAGE;
  }
  const o = parsed.options;
  const domain = (o.servername ?? o.target.host).toLowerCase();
  const clock = new SystemClock();

  const fail = (e: TlsError): number => {
    if (o.json) io.stdout.write(`${JSON.stringify({ host: o.target.host, port: o.target.port, servername: domain, mode: o.mode, ok: false, error: errorJson(e), addresses: [] }, null, 2)}\n`);
    else {
      const words = errorJson(e);
      io.stderr.write(`tls-check: ${e.code}: ${words.message}\n  Fix: ${words.hint}\n`);
    }
    return EXIT_FAILURE;
  };

  let cas: string[];
  let clientCredentials: ClientCredentials | undefined;
  try {
    cas = o.cas.map((f) => readFile(io, f).toString('utf8'));
    if (o.pkcs12 !== undefined) {
      const password = o.password ?? io.env.SOFTPHONE_PKCS12_PASSWORD ?? '';
      const loaded = loadClientCredentials({ kind: 'pkcs12', data: readFile(io, o.pkcs12), password }, clock.now());
      if (!loaded.ok) return fail(loaded.error);
      clientCredentials = loaded.value;
    } else if (o.cert !== undefined && o.key !== undefined) {
      const loaded = loadClientCredentials({ kind: 'pem', certPem: readFile(io, o.cert).toString('utf8'), keyPem: readFile(io, o.key).toString('utf8') }, clock.now());
      if (!loaded.ok) return fail(loaded.error);
      clientCredentials = loaded.value;
    }
  } catch (e) {
    io.stderr.write(`tls-check: cannot read ${String((e as { path?: string }).path ?? 'file')}: ${String((e as { code?: string }).code ?? e)}\n`);
    return EXIT_USAGE;
  }

  const settings = resolveTlsSettings({
    verification: o.mode,
    pins: o.pins,
    minVersion: o.minVersion,
    ocsp: o.ocsp,
    trust: { system: true, bundled: true, customCaPems: cas },
    ...(clientCredentials === undefined ? {} : { clientCredentials }),
  });
  if (!settings.ok) return fail(settings.error);

  const addrs = await addressesOf(o);
  if (!addrs.ok) return fail(addrs.error);
  const addresses = o.allAddresses ? addrs.addresses : addrs.addresses.slice(0, 1);

  const anchors = new TrustStore().anchorsFor(settings.value.trust);
  const connector = new NodeTlsConnector({ clock });
  const results: AddressResult[] = [];
  for (const address of addresses) {
    const r = await connector.connect({ address, port: o.target.port, domain, settings: settings.value, anchors, timeoutMs: o.timeoutMs });
    if (r.ok) {
      results.push({ address, port: o.target.port, ok: true, report: r.value.report });
      r.value.dispose();
    } else {
      results.push({ address, port: o.target.port, ok: false, error: errorJson(r.error.error), report: r.error.report });
    }
  }
  const allOk = results.every((r) => r.ok);
  if (o.json) {
    io.stdout.write(
      `${JSON.stringify(
        {
          host: o.target.host,
          port: o.target.port,
          servername: domain,
          mode: o.mode,
          ok: allOk,
          ...(clientCredentials === undefined ? {} : { clientCertificate: clientCredentials.summary }),
          addresses: results,
        },
        null,
        2,
      )}\n`,
    );
  } else {
    io.stdout.write(renderText(o, domain, results));
  }
  return allOk ? EXIT_OK : EXIT_FAILURE;
};
