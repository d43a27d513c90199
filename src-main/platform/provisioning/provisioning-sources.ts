/**
 * Where provisioning documents come from (services/provisioning ProvisioningSource):
 *
 * - files: the bundled `provisioning.json` (electron-builder extra resource, read from
 *   process.resourcesPath), the system-wide file at the per-OS path (MDM/GPO), `--provision FILE`;
 * - HTTPS: fetched through the SAME TLS machinery as SIP (NodeTlsConnector: TrustStore anchors,
 *   our peer verification with the name check, TLS ≥ 1.2, OCSP soft-fail), with ETag /
 *   If-None-Match. A fetched document is accepted only over mTLS (the bundled file names a
 *   client certificate the server required) or with a detached signature (`URL.sig`, base64 of
 *   an Ed25519 or ECDSA signature over the exact bytes) verified against the bundled file's
 *   `signingPublicKey` with node:crypto.
 */
import { readFile } from 'node:fs/promises';
import { createPublicKey, verify as verifySignature } from 'node:crypto';
import http from 'node:http';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import type { Clock } from '../../base/clock.js';
import type { ProvisioningDocument } from '../../../src-shared/model/provisioning.js';
import type { ProvisioningSource, SourceFetch, SourceKind } from '../../services/provisioning/provisioning-service.js';
import { loadClientCredentials } from '../tls/client-certificate.js';
import { NodeTlsConnector } from '../tls/tls-connector.js';
import { resolveTlsSettings } from '../tls/tls-settings.js';
import { TrustStore } from '../tls/trust-store.js';

/** The system-wide provisioning file of each OS (for MDM / GPO / configuration management). */
export function systemProvisioningPath(platform: NodeJS.Platform, env: Readonly<Record<string, string | undefined>>): string {
  if (platform === 'win32') return join(env.ProgramData ?? env.PROGRAMDATA ?? 'C:\\ProgramData', 'SecureSoftphone', 'provisioning.json');
  if (platform === 'darwin') return '/Library/Application Support/SecureSoftphone/provisioning.json';
  return '/etc/secure-softphone/provisioning.json';
}

export function fileSource(kind: SourceKind, path: string): ProvisioningSource {
  return {
    kind,
    location: path,
    fetch: async (): Promise<SourceFetch> => {
      try {
        return { kind: 'document', text: await readFile(path, 'utf8') };
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        return code === 'ENOENT' ? { kind: 'absent' } : { kind: 'failed', error: `cannot read ${path}: ${code ?? (e as Error).message}` };
      }
    },
  };
}

export interface HttpsSourceDeps {
  readonly clock: Clock;
  readonly trustStore?: TrustStore;
  /** Resolves the host (tests point it at loopback). */
  readonly resolve?: (host: string) => Promise<string>;
  readonly timeoutMs?: number;
}

interface HttpResponse {
  readonly status: number;
  readonly etag: string | undefined;
  readonly body: Buffer;
}

export function httpsSource(kind: SourceKind, url: string, trusted: ProvisioningDocument | undefined, deps: HttpsSourceDeps): ProvisioningSource {
  const trustStore = deps.trustStore ?? new TrustStore();
  const connector = new NodeTlsConnector({ clock: deps.clock });
  const resolveHost = deps.resolve ?? (async (h: string) => (isIP(h) !== 0 ? h : (await lookup(h)).address));

  const get = async (target: URL, etag: string | undefined): Promise<HttpResponse | { error: string }> => {
    let clientCredentials;
    const cc = trusted?.urlClientCertificate;
    if (cc !== undefined) {
      const creds = loadClientCredentials({ kind: 'pkcs12', data: await readFile(cc.pkcs12), password: cc.password ?? '' }, deps.clock.now());
      if (!creds.ok) return { error: `the provisioning client certificate cannot be used: ${creds.error.code}` };
      clientCredentials = creds.value;
    }
    const settings = resolveTlsSettings({ verification: 'full', minVersion: 'TLSv1.2', trust: { system: true, bundled: true, customCaPems: [...(trusted?.urlCaCertificates ?? []), ...(trusted?.caCertificates ?? [])] }, ...(clientCredentials === undefined ? {} : { clientCredentials }) });
    if (!settings.ok) return { error: settings.error.code };
    const port = target.port === '' ? 443 : Number(target.port);
    const tlsConn = await connector.connect({ address: await resolveHost(target.hostname), port, domain: target.hostname, settings: settings.value, anchors: trustStore.anchorsFor(settings.value.trust), timeoutMs: deps.timeoutMs ?? 10_000 });
    if (!tlsConn.ok) return { error: `TLS to ${target.host} failed: ${tlsConn.error.error.code}` };
    const stream = tlsConn.value.adopt();
    if (stream.ended || stream.pendingError !== undefined) return { error: `${target.host} closed the connection` };
    stream.socket.resume();
    return new Promise((resolve) => {
      const req = http.request(
        { createConnection: () => stream.socket, host: target.hostname, path: `${target.pathname}${target.search}`, method: 'GET', headers: { host: target.host, accept: 'application/json', ...(etag === undefined ? {} : { 'if-none-match': etag }), connection: 'close' } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: typeof res.headers.etag === 'string' ? res.headers.etag : undefined, body: Buffer.concat(chunks) }));
          res.on('error', (e) => resolve({ error: e.message }));
        },
      );
      req.on('error', (e) => resolve({ error: e.message }));
      req.end();
    });
  };

  return {
    kind,
    location: url,
    fetch: async (etag): Promise<SourceFetch> => {
      const target = new URL(url);
      if (target.protocol !== 'https:') return { kind: 'failed', error: 'a provisioning URL must be https://' };
      const res = await get(target, etag);
      if ('error' in res) return { kind: 'failed', error: res.error };
      if (res.status === 304) return { kind: 'unchanged' };
      if (res.status !== 200) return { kind: 'failed', error: `${url} answered HTTP ${res.status}` };
      const overMtls = trusted?.urlClientCertificate !== undefined;
      if (!overMtls) {
        const key = trusted?.signingPublicKey;
        if (key === undefined) return { kind: 'failed', error: 'a document from a provisioning URL needs mTLS or a signature, and the bundled file names no signing key' };
        const sig = await get(new URL(`${target.pathname}.sig${target.search}`, target), undefined);
        if ('error' in sig || sig.status !== 200) return { kind: 'failed', error: `the signature ${url}.sig could not be fetched` };
        if (!signatureValid(res.body, sig.body.toString('utf8').trim(), key)) return { kind: 'failed', error: `the signature ${url}.sig does not match the document (signingPublicKey)` };
      }
      return { kind: 'document', text: res.body.toString('utf8'), ...(res.etag === undefined ? {} : { etag: res.etag }) };
    },
  };
}

/** Ed25519 (no digest) or ECDSA (SHA-256, DER or IEEE P1363 form) over the exact document bytes. */
export function signatureValid(body: Buffer, signatureBase64: string, publicKeyPem: string): boolean {
  try {
    const key = createPublicKey(publicKeyPem);
    const sig = Buffer.from(signatureBase64, 'base64');
    if (key.asymmetricKeyType === 'ed25519') return verifySignature(null, body, key, sig);
    if (key.asymmetricKeyType === 'ec') return verifySignature('sha256', body, key, sig) || verifySignature('sha256', body, { key, dsaEncoding: 'ieee-p1363' }, sig);
    return false;
  } catch {
    return false;
  }
}

/** `--provision FILE|URL`. */
export function commandLineSource(arg: string, trusted: ProvisioningDocument | undefined, deps: HttpsSourceDeps): ProvisioningSource {
  return /^https:\/\//i.test(arg) ? httpsSource('command-line', arg, trusted, deps) : fileSource('command-line', arg);
}
