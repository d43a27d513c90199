/**
 * The PKI the TLS peers present: a test root CA and a server certificate for the SIP domain
 * (default `pbx.test`), `localhost`, 127.0.0.1 and ::1, plus the bad variants a client must
 * refuse. Built with the shared test certificate builder (test/fixtures/pki/cert-builder.ts) and
 * written as PEM files, because Kamailio, baresip and stunnel take file paths.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildCertificate, generateKey } from '../../fixtures/pki/cert-builder.js';

/** Which certificate a TLS peer presents. Only `good` verifies against the harness CA for the domain. */
export type ServerCertificateKind = 'good' | 'expired' | 'wrongHost' | 'selfSigned' | 'unknownCa';

export const SERVER_CERTIFICATE_KINDS: readonly ServerCertificateKind[] = ['good', 'expired', 'wrongHost', 'selfSigned', 'unknownCa'];

export interface CertificateFiles {
  /** PEM: the leaf (for `unknownCa`, followed by its root, as a server that sends its chain). */
  readonly certPath: string;
  /** PEM, PKCS#8. */
  readonly keyPath: string;
}

export interface InteropPki {
  readonly dir: string;
  readonly domain: string;
  /** The CA a client must trust to accept the `good` certificate. */
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** A second root that is NOT trusted: it issued the `unknownCa` server certificate. */
  readonly unknownCaCertPath: string;
  readonly servers: Readonly<Record<ServerCertificateKind, CertificateFiles>>;
  /** A client certificate issued by the harness CA (for servers that require one). */
  readonly client: CertificateFiles;
}

export interface InteropPkiOptions {
  /** SIP domain in the certificate SAN (and CN); default `pbx.test`. */
  readonly domain?: string;
}

const DAY = 86_400_000;

/** Generates the PKI into `dir` (EC P-256 keys; takes a few tens of milliseconds). */
export async function createInteropPki(dir: string, options: InteropPkiOptions = {}): Promise<InteropPki> {
  const domain = options.domain ?? 'pbx.test';
  const now = Date.now();
  const at = (days: number): Date => new Date(now + days * DAY);
  const ec = (): ReturnType<typeof generateKey> => generateKey({ kind: 'ec' });
  const [caKey, leafKey, selfKey, otherCaKey, clientKey] = await Promise.all([ec(), ec(), ec(), ec(), ec()]);
  const ca = await buildCertificate({ subjectCn: 'Softphone Interop Test CA', subjectO: 'Softphone Tests', key: caKey, notBefore: at(-30), notAfter: at(3650), ca: true });
  const otherCa = await buildCertificate({ subjectCn: 'Unknown Interop CA', subjectO: 'Nobody', key: otherCaKey, notBefore: at(-30), notAfter: at(3650), ca: true });
  const byCa = { cert: ca.pkijs, key: caKey };
  const san = { dns: [domain, 'localhost'], ip: ['127.0.0.1', '::1'] };

  const good = await buildCertificate({ subjectCn: domain, subjectO: 'Interop PBX', key: leafKey, issuer: byCa, notBefore: at(-1), notAfter: at(365), san });
  const expired = await buildCertificate({ subjectCn: domain, subjectO: 'Interop PBX', key: leafKey, issuer: byCa, notBefore: at(-400), notAfter: at(-2), san });
  const wrongHost = await buildCertificate({
    subjectCn: 'other.invalid',
    subjectO: 'Interop PBX',
    key: leafKey,
    issuer: byCa,
    notBefore: at(-1),
    notAfter: at(365),
    san: { dns: ['other.invalid'] },
  });
  const selfSigned = await buildCertificate({ subjectCn: domain, key: selfKey, notBefore: at(-1), notAfter: at(365), san });
  const unknownCa = await buildCertificate({ subjectCn: domain, key: leafKey, issuer: { cert: otherCa.pkijs, key: otherCaKey }, notBefore: at(-1), notAfter: at(365), san });
  const client = await buildCertificate({
    subjectCn: 'interop-client',
    key: clientKey,
    issuer: byCa,
    notBefore: at(-1),
    notAfter: at(365),
    eku: ['1.3.6.1.5.5.7.3.2'],
  });

  const write = (name: string, content: string): string => {
    const p = join(dir, name);
    writeFileSync(p, content, { mode: 0o600 });
    return p;
  };
  const caCertPath = write('ca.crt', ca.pem);
  const leafKeyPath = write('server.key', leafKey.keyPem);
  return {
    dir,
    domain,
    caCertPath,
    caCertPem: ca.pem,
    unknownCaCertPath: write('unknown-ca.crt', otherCa.pem),
    servers: {
      good: { certPath: write('server-good.crt', good.pem), keyPath: leafKeyPath },
      expired: { certPath: write('server-expired.crt', expired.pem), keyPath: leafKeyPath },
      wrongHost: { certPath: write('server-wrong-host.crt', wrongHost.pem), keyPath: leafKeyPath },
      selfSigned: { certPath: write('server-self-signed.crt', selfSigned.pem), keyPath: write('self-signed.key', selfKey.keyPem) },
      unknownCa: { certPath: write('server-unknown-ca.crt', unknownCa.pem + otherCa.pem), keyPath: leafKeyPath },
    },
    client: { certPath: write('client.crt', client.pem), keyPath: write('client.key', clientKey.keyPem) },
  };
}
