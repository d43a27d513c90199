/**
 * Client certificates for mutual TLS (RFC 8446 §4.4.2; RFC 5246 §7.4.6): PEM key + certificate
 * chain, or a PKCS#12 file (RFC 7292) with its password, parsed with node-forge so the subject and
 * expiry can be shown before use.
 *
 * The private key never leaves this object: it sits in an ES private field, `toJSON()` and
 * `util.inspect` show only the summary, and the connector is the single reader (DESIGN.md rule 3).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as tls from 'node:tls';
import { inspect } from 'node:util';
import forge from 'node-forge';
import { err, ok, type Result } from '../../base/result.js';
import { daysUntil, parseCertificate, parseCertificatesPem, type ParsedCertificate } from './parsed-certificate.js';
import { tlsError, type TlsError } from './tls-error.js';

export type ClientCertificateSource =
  | { readonly kind: 'pem'; readonly certPem: string; readonly keyPem: string; readonly keyPassphrase?: string }
  | { readonly kind: 'pkcs12'; readonly data: Uint8Array; readonly password: string };

/** What may be shown and logged about a client certificate. */
export interface ClientCertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly fingerprintSha256: string;
  readonly keyType: string;
  readonly keyBits?: number;
  /** Number of CA certificates sent along with it. */
  readonly chainLength: number;
}

export class ClientCredentials {
  readonly #keyPem: string;
  readonly #certChainPem: string;

  constructor(
    keyPem: string,
    certChainPem: string,
    readonly summary: ClientCertificateSummary,
    readonly leaf: ParsedCertificate,
  ) {
    this.#keyPem = keyPem;
    this.#certChainPem = certChainPem;
  }

  /** The node:tls options carrying the key. Only the TLS connector calls this. */
  tlsOptions(): { key: string; cert: string } {
    return { key: this.#keyPem, cert: this.#certChainPem };
  }

  toJSON(): ClientCertificateSummary {
    return this.summary;
  }

  [inspect.custom](): string {
    return `ClientCredentials(${this.summary.subject}, until ${this.summary.notAfter})`;
  }
}

function summarise(leaf: ParsedCertificate, chainLength: number, now: number): ClientCertificateSummary {
  return {
    subject: leaf.subject,
    issuer: leaf.issuer,
    notBefore: leaf.notBefore.toISOString(),
    notAfter: leaf.notAfter.toISOString(),
    daysLeft: daysUntil(leaf.notAfter, now),
    fingerprintSha256: leaf.fingerprintSha256,
    keyType: leaf.publicKey.type,
    ...(leaf.publicKey.bits === undefined ? {} : { keyBits: leaf.publicKey.bits }),
    chainLength,
  };
}

function finish(keyPem: string, certs: ParsedCertificate[], now: number): Result<ClientCredentials, TlsError> {
  // Put the certificate matching the key first; the rest are CA certificates to send along.
  let keyPub: Buffer;
  try {
    keyPub = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  } catch {
    return err(tlsError('client-cert-invalid', { reason: 'the private key cannot be read' }));
  }
  const leafIndex = certs.findIndex((c) => c.x509.publicKey.export({ type: 'spki', format: 'der' }).equals(keyPub));
  if (leafIndex < 0) return err(tlsError('client-cert-invalid', { reason: 'no certificate matches the private key' }));
  const leaf = certs[leafIndex]!;
  const chain = [leaf, ...certs.filter((_, i) => i !== leafIndex && !certs[i]!.selfIssued)];
  const certChainPem = chain.map((c) => c.x509.toString()).join('');
  try {
    tls.createSecureContext({ key: keyPem, cert: certChainPem });
  } catch (e) {
    return err(tlsError('client-cert-invalid', { reason: (e as { code?: string }).code ?? 'rejected by the TLS library' }));
  }
  return ok(new ClientCredentials(keyPem, certChainPem, summarise(leaf, chain.length - 1, now), leaf));
}

/** Loads and checks client credentials. `now` is wall-clock ms (for days-left). */
export function loadClientCredentials(source: ClientCertificateSource, now: number): Result<ClientCredentials, TlsError> {
  if (source.kind === 'pem') {
    const certs = parseCertificatesPem(source.certPem);
    if (certs.length === 0) return err(tlsError('client-cert-invalid', { reason: 'no certificate in the PEM file' }));
    let keyPem: string;
    try {
      const key = createPrivateKey(source.keyPassphrase === undefined ? source.keyPem : { key: source.keyPem, passphrase: source.keyPassphrase });
      keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (/PASSPHRASE|BAD_DECRYPT|INTERRUPTED_OR_CANCELLED/i.test(code)) return err(tlsError('client-cert-password', { reason: 'the key passphrase is wrong or missing' }));
      return err(tlsError('client-cert-invalid', { reason: 'the private key cannot be read' }));
    }
    return finish(keyPem, certs, now);
  }
  return loadPkcs12(source.data, source.password, now);
}

/**
 * The certificate as it was issued. forge's own `certificateToAsn1` rebuilds the outer
 * signatureAlgorithm with its own parameter convention (NULL for RSA), which breaks the signature
 * of certificates encoded without it; RFC 5280 §4.1.1.2 makes the outer field equal to the TBS
 * `signature` field, so we copy that one from the TBS forge kept verbatim.
 */
function forgeCertificateAsn1(cert: forge.pki.Certificate): forge.asn1.Asn1 {
  const tbs = (cert as unknown as { tbsCertificate?: forge.asn1.Asn1 }).tbsCertificate;
  if (tbs === undefined) return forge.pki.certificateToAsn1(cert);
  const fields = tbs.value as forge.asn1.Asn1[];
  const explicitVersion = fields[0]?.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC;
  const sigAlg = fields[explicitVersion ? 2 : 1];
  if (sigAlg === undefined) return forge.pki.certificateToAsn1(cert);
  return forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
    tbs,
    sigAlg,
    forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.BITSTRING, false, String.fromCharCode(0) + (cert.signature as string)),
  ]);
}

// RFC 7292 §4.2 bag types.
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const SHROUDED_KEY_BAG = '1.2.840.113549.1.12.10.1.2';

function loadPkcs12(data: Uint8Array, password: string, now: number): Result<ClientCredentials, TlsError> {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(data).toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (e) {
    const msg = (e as Error).message ?? '';
    if (/password|MAC could not be verified|decrypt/i.test(msg)) return err(tlsError('client-cert-password'));
    return err(tlsError('client-cert-invalid', { reason: 'not a PKCS#12 file' }));
  }
  const certs: ParsedCertificate[] = [];
  let keyPem: string | undefined;
  try {
    for (const bag of p12.getBags({ bagType: CERT_BAG })[CERT_BAG] ?? []) {
      const asn1 = bag.cert !== null && bag.cert !== undefined ? forgeCertificateAsn1(bag.cert) : bag.asn1;
      if (asn1 === undefined) continue;
      certs.push(parseCertificate(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary')));
    }
    for (const type of [SHROUDED_KEY_BAG, KEY_BAG]) {
      for (const bag of p12.getBags({ bagType: type })[type] ?? []) {
        if (keyPem !== undefined) break;
        if (bag.key !== null && bag.key !== undefined) {
          keyPem = forge.pki.privateKeyInfoToPem(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)));
        } else if (bag.asn1 !== undefined) {
          // Non-RSA keys (EC): forge leaves the PrivateKeyInfo; node:crypto reads it.
          const der = Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary');
          keyPem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
        }
      }
    }
  } catch {
    return err(tlsError('client-cert-invalid', { reason: 'the PKCS#12 contents cannot be read' }));
  }
  if (keyPem === undefined) return err(tlsError('client-cert-invalid', { reason: 'no private key in the PKCS#12 file' }));
  if (certs.length === 0) return err(tlsError('client-cert-invalid', { reason: 'no certificate in the PKCS#12 file' }));
  return finish(keyPem, certs, now);
}
