/**
 * Trust anchors for server verification, from three sources an account chooses among:
 *
 *  - `system`: the operating system's store. Node ≥ 22.15 / Electron 45 expose it as
 *    `tls.getCACertificates('system')` (Windows store, macOS keychain, /etc/ssl on Linux); on
 *    runtimes without it we read OpenSSL's default locations (SSL_CERT_FILE / SSL_CERT_DIR and the
 *    distribution bundles), which covers Linux; elsewhere the system source is empty and says so.
 *  - `bundled`: the Mozilla roots compiled into Node/Electron (`tls.rootCertificates`).
 *  - `custom`: CA certificates added by the user or by provisioning (PEM).
 *
 * Parsed anchors are cached per source; custom sets are cached by content.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as tls from 'node:tls';
import { trustAnchors, type TrustAnchors } from './chain-verifier.js';
import { parseCertificatesPem, type ParsedCertificate } from './parsed-certificate.js';

export interface TrustChoice {
  readonly system: boolean;
  readonly bundled: boolean;
  /** PEM text of CA certificates added by the user or provisioning for this account. */
  readonly customCaPems: readonly string[];
}

export const DEFAULT_TRUST_CHOICE: TrustChoice = { system: true, bundled: true, customCaPems: [] };

export interface AnchorSet {
  /** PEM strings handed to OpenSSL as the `ca` option (replacing its defaults). */
  readonly pems: readonly string[];
  readonly anchors: TrustAnchors;
  readonly counts: { readonly system: number; readonly bundled: number; readonly custom: number };
  /** Where a given anchor came from (by SHA-256 fingerprint). */
  sourceOf(cert: ParsedCertificate): 'system' | 'bundled' | 'custom' | undefined;
}

/** The parts of the runtime the store reads; replaceable in tests. */
export interface TrustStoreHost {
  readonly getCACertificates?: (type: 'system' | 'bundled') => string[];
  readonly rootCertificates: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readFile(path: string): string | undefined;
  listDir(path: string): readonly string[];
  readonly platform: NodeJS.Platform;
}

/** Debian/Ubuntu, RHEL/Fedora, SUSE, Alpine/macOS(brew), FreeBSD bundles, in OpenSSL's search spirit. */
export const OPENSSL_BUNDLE_PATHS = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
  '/usr/local/etc/openssl/cert.pem',
  '/usr/local/share/certs/ca-root-nss.crt',
] as const;

export function nodeTrustStoreHost(): TrustStoreHost {
  const t = tls as unknown as { getCACertificates?: (type: 'system' | 'bundled') => string[] };
  return {
    ...(typeof t.getCACertificates === 'function' ? { getCACertificates: t.getCACertificates.bind(tls) } : {}),
    rootCertificates: tls.rootCertificates,
    env: process.env,
    platform: process.platform,
    readFile: (p) => {
      try {
        if (!statSync(p).isFile()) return undefined;
        return readFileSync(p, 'utf8');
      } catch {
        return undefined;
      }
    },
    listDir: (p) => {
      try {
        return readdirSync(p);
      } catch {
        return [];
      }
    },
  };
}

export interface SystemStoreInfo {
  readonly method: 'getCACertificates' | 'openssl-file' | 'openssl-dir' | 'unavailable';
  readonly location?: string;
  readonly count: number;
}

export class TrustStore {
  private systemCache: { pems: string[]; parsed: ParsedCertificate[]; info: SystemStoreInfo } | undefined;
  private bundledCache: { pems: string[]; parsed: ParsedCertificate[] } | undefined;
  private readonly customCache = new Map<string, ParsedCertificate[]>();

  constructor(private readonly host: TrustStoreHost = nodeTrustStoreHost()) {}

  /** How the system store was found (diagnostics, CLI). */
  systemInfo(): SystemStoreInfo {
    return this.system().info;
  }

  /** The anchor set for an account's choice. */
  anchorsFor(choice: TrustChoice): AnchorSet {
    const parts: { kind: 'system' | 'bundled' | 'custom'; pems: string[]; parsed: ParsedCertificate[] }[] = [];
    if (choice.system) parts.push({ kind: 'system', ...this.system() });
    if (choice.bundled) parts.push({ kind: 'bundled', ...this.bundled() });
    const customParsed: ParsedCertificate[] = [];
    for (const pem of choice.customCaPems) customParsed.push(...this.custom(pem));
    parts.push({ kind: 'custom', pems: customParsed.map((c) => c.x509.toString()), parsed: customParsed });

    const source = new Map<string, 'system' | 'bundled' | 'custom'>();
    const all: ParsedCertificate[] = [];
    const pems: string[] = [];
    for (const part of parts) {
      for (const c of part.parsed) {
        if (source.has(c.fingerprintSha256)) continue;
        source.set(c.fingerprintSha256, part.kind);
        all.push(c);
        pems.push(c.x509.toString());
      }
    }
    const count = (k: 'system' | 'bundled' | 'custom'): number => [...source.values()].filter((v) => v === k).length;
    return {
      pems,
      anchors: trustAnchors(all),
      counts: { system: count('system'), bundled: count('bundled'), custom: count('custom') },
      sourceOf: (c) => source.get(c.fingerprintSha256),
    };
  }

  private system(): { pems: string[]; parsed: ParsedCertificate[]; info: SystemStoreInfo } {
    if (this.systemCache !== undefined) return this.systemCache;
    const h = this.host;
    let text: string[] = [];
    let info: SystemStoreInfo = { method: 'unavailable', count: 0 };
    if (h.getCACertificates !== undefined) {
      text = h.getCACertificates('system');
      info = { method: 'getCACertificates', count: text.length };
    } else {
      const file = h.env.SSL_CERT_FILE;
      const candidates = file !== undefined && file !== '' ? [file, ...OPENSSL_BUNDLE_PATHS] : [...OPENSSL_BUNDLE_PATHS];
      for (const p of candidates) {
        const content = h.readFile(p);
        if (content !== undefined && content.includes('BEGIN CERTIFICATE')) {
          text = [content];
          info = { method: 'openssl-file', location: p, count: 0 };
          break;
        }
      }
      if (text.length === 0) {
        const dirs = (h.env.SSL_CERT_DIR ?? '/etc/ssl/certs').split(h.platform === 'win32' ? ';' : ':').filter((d) => d !== '');
        for (const d of dirs) {
          for (const name of h.listDir(d)) {
            if (!/\.(pem|crt|\d+)$/.test(name)) continue;
            const content = h.readFile(join(d, name));
            if (content !== undefined && content.includes('BEGIN CERTIFICATE')) text.push(content);
          }
          if (text.length > 0) {
            info = { method: 'openssl-dir', location: d, count: 0 };
            break;
          }
        }
      }
    }
    const parsed = dedupe(text.flatMap((t) => parseCertificatesPem(t)));
    this.systemCache = { pems: parsed.map((c) => c.x509.toString()), parsed, info: { ...info, count: parsed.length } };
    return this.systemCache;
  }

  private bundled(): { pems: string[]; parsed: ParsedCertificate[] } {
    if (this.bundledCache !== undefined) return this.bundledCache;
    const text = this.host.getCACertificates !== undefined ? this.host.getCACertificates('bundled') : [...this.host.rootCertificates];
    const parsed = dedupe(text.flatMap((t) => parseCertificatesPem(t)));
    this.bundledCache = { pems: parsed.map((c) => c.x509.toString()), parsed };
    return this.bundledCache;
  }

  private custom(pem: string): ParsedCertificate[] {
    let parsed = this.customCache.get(pem);
    if (parsed === undefined) {
      parsed = parseCertificatesPem(pem);
      this.customCache.set(pem, parsed);
    }
    return parsed;
  }
}

function dedupe(certs: ParsedCertificate[]): ParsedCertificate[] {
  const seen = new Set<string>();
  return certs.filter((c) => {
    if (seen.has(c.fingerprintSha256)) return false;
    seen.add(c.fingerprintSha256);
    return true;
  });
}
