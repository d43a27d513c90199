/**
 * Evaluation of a stapled OCSP response (RFC 6066 §8 status_request; RFC 6960 §4.2 response,
 * §3.2 acceptance rules) against the verified chain, and the per-account revocation policy.
 *
 * Acceptance (RFC 6960 §3.2): the response is signed by the leaf's issuer or by a responder that
 * issuer delegated (id-kp-OCSPSigning, RFC 6960 §4.2.2.2), it is about this certificate (CertID
 * of leaf serial + issuer name/key hashes), and it is current (thisUpdate not in the future,
 * nextUpdate not passed; allowing a small clock skew).
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ParsedCertificate } from './parsed-certificate.js';
import type { TlsErrorCode } from './tls-error.js';

export type OcspPolicy = 'off' | 'soft-fail' | 'hard-fail';

export type OcspStatus = 'not-requested' | 'absent' | 'good' | 'revoked' | 'unknown' | 'invalid' | 'stale';

export interface OcspResult {
  readonly status: OcspStatus;
  readonly thisUpdate?: string;
  readonly nextUpdate?: string;
  readonly revokedAt?: string;
  /** Why a response was not usable (for the report). */
  readonly detail?: string;
}

export interface OcspOptions {
  readonly now: number;
  /** Tolerated clock difference with the responder (default 5 minutes). */
  readonly clockSkewMs?: number;
  /** Oldest acceptable thisUpdate when the response has no nextUpdate (default 7 days). */
  readonly maxAgeWithoutNextUpdateMs?: number;
}

const OID_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';

function pkijsCert(c: ParsedCertificate): pkijs.Certificate {
  return pkijs.Certificate.fromBER(new Uint8Array(c.der));
}

/** Checks a stapled response. `issuer` is the leaf's issuer from the verified path. */
export async function evaluateStapledOcsp(
  response: Uint8Array | undefined,
  leaf: ParsedCertificate,
  issuer: ParsedCertificate | undefined,
  options: OcspOptions,
): Promise<OcspResult> {
  if (response === undefined || response.length === 0) return { status: 'absent' };
  if (issuer === undefined) return { status: 'invalid', detail: 'issuer of the certificate unknown; cannot check the response signature' };
  try {
    const outer = pkijs.OCSPResponse.fromBER(Buffer.from(response));
    const responseStatus = outer.responseStatus.valueBlock.valueDec;
    if (responseStatus !== 0) return { status: 'invalid', detail: `responder status ${responseStatus}` };
    const bytes = outer.responseBytes;
    if (bytes === undefined || bytes.responseType !== OID_OCSP_BASIC) return { status: 'invalid', detail: 'not a basic OCSP response' };
    const basic = pkijs.BasicOCSPResponse.fromBER(new Uint8Array(bytes.response.valueBlock.valueHexView));

    const leafP = pkijsCert(leaf);
    const issuerP = pkijsCert(issuer);
    // Responses signed directly by the issuer often omit `certs`; the issuer comes from our
    // verified path, so it may be offered as the (only) candidate signer.
    if (basic.certs === undefined || basic.certs.length === 0) basic.certs = [issuerP];
    else basic.certs.push(issuerP);
    let verified = false;
    try {
      verified = await basic.verify({ issuerCerts: [issuerP], trustedCerts: [issuerP], trustedResponders: [issuerP] });
    } catch (e) {
      return { status: 'invalid', detail: `signature/responder check failed: ${(e as Error).message}` };
    }
    if (!verified) return { status: 'invalid', detail: 'signature does not verify' };
    if (!canonicalEcdsaSignature(basic)) return { status: 'invalid', detail: 'signature is not in DER (an ECDSA signature must be one canonically encoded SEQUENCE)' };

    const st = await basic.getCertificateStatus(leafP, issuerP);
    if (!st.isForCertificate) return { status: 'invalid', detail: 'response is for another certificate' };

    // Find the SingleResponse for our certificate to read its times.
    const serialHex = Buffer.from(leafP.serialNumber.valueBlock.valueHexView).toString('hex');
    const single = basic.tbsResponseData.responses.find((r) => Buffer.from(r.certID.serialNumber.valueBlock.valueHexView).toString('hex') === serialHex);
    if (single === undefined) return { status: 'invalid', detail: 'response is for another certificate' };
    const thisUpdate = single.thisUpdate;
    const nextUpdate = single.nextUpdate;
    const times = { thisUpdate: thisUpdate.toISOString(), ...(nextUpdate === undefined ? {} : { nextUpdate: nextUpdate.toISOString() }) };
    const skew = options.clockSkewMs ?? 5 * 60_000;
    if (thisUpdate.getTime() > options.now + skew) return { status: 'invalid', ...times, detail: 'thisUpdate is in the future' };
    if (nextUpdate !== undefined && nextUpdate.getTime() + skew < options.now) return { status: 'stale', ...times, detail: 'nextUpdate has passed' };
    if (nextUpdate === undefined && options.now - thisUpdate.getTime() > (options.maxAgeWithoutNextUpdateMs ?? 7 * 86_400_000)) {
      return { status: 'stale', ...times, detail: 'response too old' };
    }
    if (st.status === 1) {
      const revokedAt = revocationTime(single.certStatus);
      return { status: 'revoked', ...times, ...(revokedAt === undefined ? {} : { revokedAt }) };
    }
    return { status: st.status === 0 ? 'good' : 'unknown', ...times };
  } catch (e) {
    return { status: 'invalid', detail: `malformed response: ${(e as Error).message}` };
  }
}

function revocationTime(certStatus: unknown): string | undefined {
  const c = certStatus as { valueBlock?: { value?: unknown[] } };
  const first = c.valueBlock?.value?.[0];
  if (first instanceof asn1js.GeneralizedTime) return first.toDate().toISOString();
  return undefined;
}

/**
 * The policy decision: `revoked` fails unless the policy is off; under `hard-fail` anything but a
 * valid `good` response fails (RFC 6961 intent: a stapled response is required); `soft-fail`
 * accepts absent/unusable responses and shows them in the report.
 */
export function ocspPolicyError(result: OcspResult, policy: OcspPolicy): TlsErrorCode | undefined {
  if (policy === 'off') return undefined;
  if (result.status === 'revoked') return 'revoked';
  if (policy === 'hard-fail' && result.status !== 'good') return 'revocation-unknown';
  return undefined;
}

/**
 * The WebCrypto path behind pkijs converts an ECDSA signature's DER to r||s leniently (a SEQUENCE
 * length that disagrees with its contents still verifies: found by fuzzing). RFC 6960 §4.2.1 signs
 * with DER, so anything but the canonical encoding is refused.
 */
function canonicalEcdsaSignature(basic: pkijs.BasicOCSPResponse): boolean {
  if (!basic.signatureAlgorithm.algorithmId.startsWith('1.2.840.10045.4.')) return true;
  const sig = new Uint8Array(basic.signature.valueBlock.valueHexView);
  const parsed = asn1js.fromBER(sig);
  if (parsed.offset !== sig.length || !(parsed.result instanceof asn1js.Sequence)) return false;
  return Buffer.from(parsed.result.toBER()).equals(Buffer.from(sig));
}
