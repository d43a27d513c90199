/**
 * One X.509 certificate (RFC 5280 §4.1) parsed once into the facts verification and reports need.
 * Node's `X509Certificate` does signatures and keys; pkijs reads the extensions exactly (SANs as
 * typed values, not Node's display string).
 */
import { createHash, X509Certificate, type KeyObject } from 'node:crypto';
import * as pkijs from 'pkijs';
import { toHex } from '../../base/bytes.js';

export interface SubjectAltNames {
  readonly dns: readonly string[];
  readonly ip: readonly string[];
  readonly uri: readonly string[];
  readonly email: readonly string[];
}

export interface PublicKeyFacts {
  readonly type: string;
  /** RSA/DSA modulus bits, or the curve's field size for EC. */
  readonly bits?: number;
  readonly curve?: string;
}

export interface ParsedCertificate {
  readonly x509: X509Certificate;
  readonly der: Buffer;
  readonly subject: string;
  readonly issuer: string;
  readonly subjectCommonNames: readonly string[];
  readonly sans: SubjectAltNames;
  /** True when the certificate has a subjectAltName extension at all (RFC 6125 §6.4.4). */
  readonly hasSan: boolean;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly serialNumber: string;
  readonly isCa: boolean;
  readonly pathLen?: number;
  /** keyUsage bits present (undefined when the extension is absent). */
  readonly keyUsage?: { readonly digitalSignature: boolean; readonly keyEncipherment: boolean; readonly keyCertSign: boolean };
  /** Extended key usage OIDs (undefined when absent = any purpose). */
  readonly extKeyUsage?: readonly string[];
  readonly signatureAlgorithm: string;
  readonly publicKey: PublicKeyFacts;
  /** SHA-256 of the DER certificate, colon-separated upper-case hex (openssl style). */
  readonly fingerprintSha256: string;
  /** `sha256/BASE64` of the DER SubjectPublicKeyInfo (RFC 7469 §2.4 pin format). */
  readonly spkiPin: string;
  /** Subject and issuer names are byte-identical (a root, or a self-signed leaf). */
  readonly selfIssued: boolean;
  /** The certificate names where its issuer can be downloaded (AIA caIssuers). */
  readonly caIssuersUrls: readonly string[];
}

const OID_SHORT: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.25': 'DC',
};

const SIG_ALG: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
};

const CURVE_BITS: Readonly<Record<string, number>> = {
  prime256v1: 256,
  'P-256': 256,
  secp384r1: 384,
  'P-384': 384,
  secp521r1: 521,
  'P-521': 521,
  secp224r1: 224,
  secp192r1: 192,
  prime192v1: 192,
  secp256k1: 256,
};

/** True for signature algorithms that must not be accepted below a trust anchor (SHA-1, MD5). */
export function isWeakSignatureAlgorithm(name: string): boolean {
  return /md5|sha1|SHA1/i.test(name);
}

function nameToString(rdn: pkijs.RelativeDistinguishedNames): string {
  // RFC 4514 orders most-specific first; certificates list most-general first. We keep the
  // certificate order reversed (CN first) because that is what people recognise.
  return rdn.typesAndValues
    .map((tv) => `${OID_SHORT[tv.type] ?? tv.type}=${attributeText(tv)}`)
    .reverse()
    .join(', ');
}

function attributeText(tv: pkijs.AttributeTypeAndValue): string {
  const v = tv.value as { valueBlock?: { value?: unknown } };
  const raw = v.valueBlock?.value;
  return typeof raw === 'string' ? raw : '';
}

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  if (bytes.length === 16) {
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
    // Compress the longest run of zero groups (RFC 5952 §4.2).
    let best = -1;
    let bestLen = 0;
    for (let i = 0; i < 8; ) {
      if (groups[i] !== '0') {
        i++;
        continue;
      }
      let j = i;
      while (j < 8 && groups[j] === '0') j++;
      if (j - i > bestLen && j - i > 1) {
        best = i;
        bestLen = j - i;
      }
      i = j;
    }
    if (best < 0) return groups.join(':');
    return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
  }
  return `<${bytes.length}-byte address>`;
}

function keyFacts(x509: X509Certificate): PublicKeyFacts {
  let key: KeyObject;
  try {
    key = x509.publicKey;
  } catch {
    // OpenSSL accepts the certificate but cannot decode its key (found by fuzzing, test/corpus/certificate/crashers).
    return { type: 'unknown' };
  }
  const type = key.asymmetricKeyType ?? 'unknown';
  const d = key.asymmetricKeyDetails ?? {};
  if (type === 'ec') {
    const curve = d.namedCurve ?? 'unknown';
    const bits = CURVE_BITS[curve];
    return bits === undefined ? { type, curve } : { type, curve, bits };
  }
  if (type === 'ed25519') return { type, bits: 256 };
  if (type === 'ed448') return { type, bits: 448 };
  return d.modulusLength === undefined ? { type } : { type, bits: d.modulusLength };
}

function colonHex(bytes: Uint8Array): string {
  return (toHex(bytes).toUpperCase().match(/../g) ?? []).join(':');
}

interface Extensions {
  readonly sans: SubjectAltNames;
  readonly hasSan: boolean;
  readonly isCa: boolean;
  readonly pathLen?: number;
  readonly keyUsage?: ParsedCertificate['keyUsage'];
  readonly extKeyUsage?: readonly string[];
  readonly caIssuersUrls: readonly string[];
}

function readExtensions(cert: pkijs.Certificate): Extensions {
  const sans = { dns: [] as string[], ip: [] as string[], uri: [] as string[], email: [] as string[] };
  let hasSan = false;
  let isCa = false;
  let pathLen: number | undefined;
  let keyUsage: ParsedCertificate['keyUsage'];
  let extKeyUsage: string[] | undefined;
  const caIssuersUrls: string[] = [];
  for (const ext of cert.extensions ?? []) {
    const pv = ext.parsedValue as unknown;
    switch (ext.extnID) {
      case '2.5.29.17': {
        hasSan = true;
        const names = (pv as pkijs.AltName | undefined)?.altNames ?? [];
        for (const n of names) {
          if (n.type === 2 && typeof n.value === 'string') sans.dns.push(n.value);
          else if (n.type === 6 && typeof n.value === 'string') sans.uri.push(n.value);
          else if (n.type === 1 && typeof n.value === 'string') sans.email.push(n.value);
          else if (n.type === 7) {
            const hex = (n.value as { valueBlock?: { valueHexView?: Uint8Array } }).valueBlock?.valueHexView;
            if (hex !== undefined) sans.ip.push(ipText(hex));
          }
        }
        break;
      }
      case '2.5.29.19': {
        const bc = pv as pkijs.BasicConstraints | undefined;
        isCa = bc?.cA === true;
        const pl = bc?.pathLenConstraint as unknown;
        if (typeof pl === 'number') pathLen = pl;
        else if (pl !== undefined && pl !== null && typeof (pl as { valueBlock?: { valueDec?: number } }).valueBlock?.valueDec === 'number') {
          pathLen = (pl as { valueBlock: { valueDec: number } }).valueBlock.valueDec;
        }
        break;
      }
      case '2.5.29.15': {
        const bits = (pv as { valueBlock?: { valueHexView?: Uint8Array } } | undefined)?.valueBlock?.valueHexView;
        const b0 = bits?.[0] ?? 0;
        keyUsage = { digitalSignature: (b0 & 0x80) !== 0, keyEncipherment: (b0 & 0x20) !== 0, keyCertSign: (b0 & 0x04) !== 0 };
        break;
      }
      case '2.5.29.37':
        extKeyUsage = [...((pv as pkijs.ExtKeyUsage | undefined)?.keyPurposes ?? [])];
        break;
      case '1.3.6.1.5.5.7.1.1':
        for (const ad of (pv as pkijs.InfoAccess | undefined)?.accessDescriptions ?? []) {
          if (ad.accessMethod === '1.3.6.1.5.5.7.48.2' && typeof ad.accessLocation.value === 'string') caIssuersUrls.push(ad.accessLocation.value);
        }
        break;
      default:
        break;
    }
  }
  return {
    sans,
    hasSan,
    isCa,
    ...(pathLen === undefined ? {} : { pathLen }),
    ...(keyUsage === undefined ? {} : { keyUsage }),
    ...(extKeyUsage === undefined ? {} : { extKeyUsage }),
    caIssuersUrls,
  };
}

/**
 * Lazily parsed: the native X509Certificate is built at once (cheap); pkijs parsing, hashing and
 * key inspection happen on first use, so a trust store of hundreds of roots costs little until a
 * root is actually on a path.
 */
class LazyCertificate implements ParsedCertificate {
  readonly x509: X509Certificate;
  readonly der: Buffer;
  private asn?: pkijs.Certificate;
  private ext?: Extensions;
  private memo = new Map<string, unknown>();

  constructor(der: Buffer) {
    this.der = der;
    this.x509 = new X509Certificate(der);
  }

  private once<T>(key: string, f: () => T): T {
    if (!this.memo.has(key)) this.memo.set(key, f());
    return this.memo.get(key) as T;
  }

  /** Parses the ASN.1 now, so that a certificate the getters cannot read is refused here. */
  validate(): void {
    void this.cert;
    // The extensions too: pkijs decodes each extnValue when it is first read, and a damaged one
    // (an inner type asn1js cannot convert, found by fuzzing) throws from there.
    void this.extensions;
  }

  private get cert(): pkijs.Certificate {
    // A copy on a plain ArrayBuffer: pkijs takes a BufferSource (and Node Buffers may sit on a shared pool).
    this.asn ??= pkijs.Certificate.fromBER(new Uint8Array(this.der));
    return this.asn;
  }

  private get extensions(): Extensions {
    this.ext ??= readExtensions(this.cert);
    return this.ext;
  }

  get subject(): string {
    return this.once('subject', () => nameToString(this.cert.subject));
  }
  get issuer(): string {
    return this.once('issuer', () => nameToString(this.cert.issuer));
  }
  get subjectCommonNames(): readonly string[] {
    return this.once('cn', () => this.cert.subject.typesAndValues.filter((tv) => tv.type === '2.5.4.3').map(attributeText));
  }
  get sans(): SubjectAltNames {
    return this.extensions.sans;
  }
  get hasSan(): boolean {
    return this.extensions.hasSan;
  }
  get notBefore(): Date {
    return this.once('nb', () => this.cert.notBefore.value);
  }
  get notAfter(): Date {
    return this.once('na', () => this.cert.notAfter.value);
  }
  get serialNumber(): string {
    return this.x509.serialNumber.toUpperCase();
  }
  get isCa(): boolean {
    return this.extensions.isCa;
  }
  get pathLen(): number | undefined {
    return this.extensions.pathLen;
  }
  get keyUsage(): ParsedCertificate['keyUsage'] {
    return this.extensions.keyUsage;
  }
  get extKeyUsage(): readonly string[] | undefined {
    return this.extensions.extKeyUsage;
  }
  get signatureAlgorithm(): string {
    return this.once('sig', () => {
      const oid = this.cert.signatureAlgorithm.algorithmId;
      return SIG_ALG[oid] ?? oid;
    });
  }
  get publicKey(): PublicKeyFacts {
    return this.once('key', () => keyFacts(this.x509));
  }
  get fingerprintSha256(): string {
    return this.x509.fingerprint256;
  }
  get spkiPin(): string {
    return this.once('pin', () => `sha256/${createHash('sha256').update(this.spkiDer()).digest('base64')}`);
  }
  /** The DER SubjectPublicKeyInfo; from the certificate's own bytes when OpenSSL cannot decode the key. */
  private spkiDer(): Uint8Array {
    try {
      return this.x509.publicKey.export({ type: 'spki', format: 'der' });
    } catch {
      return new Uint8Array(this.cert.subjectPublicKeyInfo.toSchema().toBER(false));
    }
  }
  get selfIssued(): boolean {
    return this.once('self', () => {
      const subjectDer = Buffer.from(this.cert.subject.valueBeforeDecode);
      return subjectDer.length > 0 && subjectDer.equals(Buffer.from(this.cert.issuer.valueBeforeDecode));
    });
  }
  get caIssuersUrls(): readonly string[] {
    return this.extensions.caIssuersUrls;
  }
  /** Native name strings, for fast issuer lookups without the pkijs parse. */
  get nameKeys(): { readonly subject: string; readonly issuer: string } {
    return { subject: this.x509.subject, issuer: this.x509.issuer };
  }

  /** A plain snapshot (for logs and JSON): the computed facts, not the parser state. */
  toJSON(): Record<string, unknown> {
    return {
      subject: this.subject,
      issuer: this.issuer,
      sans: this.sans,
      notBefore: this.notBefore.toISOString(),
      notAfter: this.notAfter.toISOString(),
      serialNumber: this.serialNumber,
      fingerprintSha256: this.fingerprintSha256,
      spkiPin: this.spkiPin,
    };
  }
}

/**
 * Parses a DER certificate (as a peer presents it). Throws an Error on bytes that are not a
 * certificate, including DER that OpenSSL accepts but the ASN.1 reader behind the getters refuses
 * (found by fuzzing: such a certificate made `subject` and the report throw later, far from here).
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  const c = new LazyCertificate(Buffer.from(der));
  c.validate();
  return c;
}

/** Native subject/issuer strings of a parsed certificate (issuer lookup keys). */
export function nameKeys(c: ParsedCertificate): { readonly subject: string; readonly issuer: string } {
  return c instanceof LazyCertificate ? c.nameKeys : { subject: c.x509.subject, issuer: c.x509.issuer };
}

/** Parses PEM text containing one or more certificates; ignores other PEM blocks. */
export function parseCertificatesPem(pem: string): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  const re = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;
  for (const m of pem.matchAll(re)) {
    const der = Buffer.from(m[1]!.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
    try {
      // Lazy (no ASN.1 parse until a getter needs it): bundles are local files of hundreds of roots.
      out.push(new LazyCertificate(der));
    } catch {
      // A damaged block in a CA bundle must not make the whole bundle unusable.
    }
  }
  return out;
}

/** Normalises a pin given as `sha256/BASE64` (SPKI) or a SHA-256 certificate fingerprint in hex. */
export function normalisePin(pin: string): { kind: 'spki'; value: string } | { kind: 'fingerprint'; value: string } | undefined {
  const p = pin.trim();
  const spki = /^sha256\/([A-Za-z0-9+/]{43}=)$/.exec(p);
  if (spki !== null) return { kind: 'spki', value: `sha256/${spki[1]!}` };
  const hex = p.replace(/^sha256:/i, '').replace(/[:\s]/g, '');
  if (/^[0-9a-fA-F]{64}$/.test(hex)) return { kind: 'fingerprint', value: colonHex(Buffer.from(hex, 'hex')) };
  return undefined;
}

/** Whole days from `now` until `date` (negative once past), rounded down. */
export function daysUntil(date: Date, now: number): number {
  return Math.floor((date.getTime() - now) / 86_400_000);
}
