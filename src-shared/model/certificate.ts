import * as v from 'valibot';
import { ProblemSchema } from '../ipc/errors.js';
import { TlsVerifyModeSchema } from './account.js';
import { SecurityLevelSchema } from './registration.js';
import { TrustActionsViewSchema } from './diagnostics.js';

/** One certificate of a chain, as the certificate panel shows it (public data only). */
export const CertificateEntryViewSchema = v.object({
  role: v.picklist(['leaf', 'intermediate', 'root']),
  subject: v.string(),
  issuer: v.string(),
  sans: v.object({ dns: v.array(v.string()), ip: v.array(v.string()), uri: v.array(v.string()), email: v.array(v.string()) }),
  serialNumber: v.string(),
  notBefore: v.string(),
  notAfter: v.string(),
  /** Negative once expired. */
  daysLeft: v.number(),
  /** The public key (type, size, curve); named `publicKey` so no secret-field rule mistakes it for a secret. */
  publicKey: v.object({ type: v.string(), bits: v.nullable(v.number()), curve: v.nullable(v.string()) }),
  signatureAlgorithm: v.string(),
  fingerprintSha256: v.string(),
  /** `sha256/BASE64` of the public key, what "pin this key" stores. */
  spkiPin: v.string(),
  isCa: v.boolean(),
  /** Sent by the server (false: taken from the trust store). */
  presented: v.boolean(),
  trustAnchor: v.boolean(),
  anchorSource: v.nullable(v.picklist(['system', 'bundled', 'custom'])),
});
export type CertificateEntryView = v.InferOutput<typeof CertificateEntryViewSchema>;

export const ExpiryWarningViewSchema = v.object({
  subject: v.string(),
  fingerprintSha256: v.string(),
  daysLeft: v.number(),
  /** 30, 14 or 7 days, 0 when expired. */
  threshold: v.picklist([30, 14, 7, 0]),
  message: v.string(),
});

/** One TLS connection attempt explained: chain, negotiated parameters, identity check, verdict. */
export const CertificateReportViewSchema = v.object({
  checkedAt: v.string(),
  target: v.object({ domain: v.string(), address: v.string(), port: v.number(), sni: v.nullable(v.string()) }),
  mode: TlsVerifyModeSchema,
  tlsVersion: v.nullable(v.string()),
  cipher: v.nullable(v.string()),
  chain: v.array(CertificateEntryViewSchema),
  /** How many certificates the server sent. */
  presentedCount: v.number(),
  identity: v.nullable(
    v.object({
      /** Whether the mode requires the name to match (false for chain-only and pinned). */
      required: v.boolean(),
      /** The name checked: the SIP domain (RFC 5922) or the host. */
      reference: v.string(),
      matched: v.nullable(v.string()),
      /** Which field matched: dns-san, wildcard-san, uri-san, ip-san, common-name. */
      how: v.nullable(v.string()),
      presented: v.array(v.string()),
      summary: v.string(),
    }),
  ),
  pin: v.nullable(v.object({ expected: v.array(v.string()), leafSpkiPin: v.string(), leafFingerprint: v.string(), matched: v.boolean() })),
  revocation: v.object({ policy: v.picklist(['off', 'soft-fail', 'hard-fail']), status: v.string(), detail: v.nullable(v.string()) }),
  verdict: v.object({
    ok: v.boolean(),
    level: SecurityLevelSchema,
    /** The typed failure in plain words with the fix, or null when it passed. */
    problem: v.nullable(ProblemSchema),
    notes: v.array(v.string()),
  }),
  expiryWarnings: v.array(ExpiryWarningViewSchema),
});
export type CertificateReportView = v.InferOutput<typeof CertificateReportViewSchema>;

/** Every address behind a name, each with its own handshake and verdict (the GeoDNS case). */
export const AddressReportViewSchema = v.object({
  address: v.string(),
  port: v.number(),
  ok: v.boolean(),
  problem: v.nullable(ProblemSchema),
  report: v.nullable(CertificateReportViewSchema),
});
export type AddressReportView = v.InferOutput<typeof AddressReportViewSchema>;

export const InspectionViewSchema = v.object({
  host: v.string(),
  port: v.number(),
  servername: v.string(),
  mode: TlsVerifyModeSchema,
  ok: v.boolean(),
  /** A failure before any address could be tried (DNS, unreadable CA file). */
  problem: v.nullable(ProblemSchema),
  addresses: v.array(AddressReportViewSchema),
});
export type InspectionView = v.InferOutput<typeof InspectionViewSchema>;

export const AccountCertificateSchema = v.object({
  accountId: v.string(),
  report: v.nullable(CertificateReportViewSchema),
  /** What the panel may offer for this account, as policy decides. */
  actions: TrustActionsViewSchema,
});

const HostSchema = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(300), v.regex(/^(\[[0-9a-fA-F:.]+\]|[^\s/@:[\]]+)(:\d{1,5})?$/, 'must be host or host:port'));
const PemSchema = v.pipe(v.string(), v.maxLength(200_000), v.regex(/-----BEGIN CERTIFICATE-----/, 'must be a PEM certificate'));

/** `certificates.inspect`: any host[:port] with a server name (SNI and the name checked) and optional CAs. */
export const InspectSchema = v.strictObject({
  host: HostSchema,
  servername: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(253), v.regex(/^[A-Za-z0-9.*-]+$/, 'must be a DNS name'))),
  /** Extra CAs to trust for this check (PEM text, as pasted or read from a file by the renderer). */
  caPems: v.optional(v.pipe(v.array(PemSchema), v.maxLength(8)), []),
  mode: v.optional(v.picklist(['full', 'chain-only', 'pinned']), 'full'),
  pins: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(128))), v.maxLength(8)), []),
  /** Check every A/AAAA address behind the name (default: the first). */
  allAddresses: v.optional(v.boolean(), false),
});
export const AccountReportRequestSchema = v.strictObject({ accountId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) });
/** `certificates.exportChain`: the chain of the account's flow, or of an inspected address. */
export const ExportChainSchema = v.union([
  v.strictObject({ accountId: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) }),
  v.strictObject({ host: HostSchema, servername: v.optional(v.pipe(v.string(), v.maxLength(253))), address: v.optional(v.pipe(v.string(), v.maxLength(64))) }),
]);
export const PemExportSchema = v.object({ pem: v.string(), count: v.number(), fileName: v.string() });
