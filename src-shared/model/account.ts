import * as v from 'valibot';

/**
 * The one account schema, shared by the desktop app, the `softphone` CLI (`--account FILE`) and
 * provisioning files. Secrets (password, client-certificate password) are part of the *config*
 * but never of any view model sent to the renderer (see AccountView).
 */

export const TransportSchema = v.picklist(['tls', 'tcp', 'udp']);
export type TransportName = v.InferOutput<typeof TransportSchema>;

export const TlsVerifyModeSchema = v.picklist(['full', 'chain-only', 'pinned', 'insecure']);
export type TlsVerifyMode = v.InferOutput<typeof TlsVerifyModeSchema>;

export const SrtpPolicySchema = v.picklist(['mandatory', 'optional', 'off']);
export type SrtpPolicy = v.InferOutput<typeof SrtpPolicySchema>;

const SipUriString = v.pipe(
  v.string(),
  v.maxLength(512),
  v.regex(/^sips?:([^@\s]+@)?[^@\s]+$/i, 'must be a sip: or sips: URI such as sips:alice@pbx.example.com'),
);

export const ClientCertSchema = v.union([
  v.strictObject({
    /** Path of a PKCS#12 (.p12/.pfx) file holding the key and certificate. */
    pkcs12: v.pipe(v.string(), v.minLength(1)),
    password: v.optional(v.string()),
  }),
  v.strictObject({
    /** PEM certificate (chain) file. */
    cert: v.pipe(v.string(), v.minLength(1)),
    /** PEM private key file. */
    key: v.pipe(v.string(), v.minLength(1)),
    password: v.optional(v.string()),
  }),
]);
export type ClientCertConfig = v.InferOutput<typeof ClientCertSchema>;

export const AccountTlsSchema = v.strictObject({
  verify: v.optional(TlsVerifyModeSchema, 'full'),
  /** Extra CA certificates (PEM files) trusted for this account, on top of the system store. */
  caFiles: v.optional(v.array(v.string()), []),
  /** Trust only these CAs (no system store). */
  caOnly: v.optional(v.boolean(), false),
  /** `sha256/BASE64` SPKI pin (or a SHA-256 certificate fingerprint in hex) for `pinned`. */
  pin: v.optional(v.string()),
  clientCert: v.optional(ClientCertSchema),
  minVersion: v.optional(v.picklist(['TLSv1.2', 'TLSv1.3']), 'TLSv1.2'),
  /** OpenSSL cipher list for TLS 1.2 (TLS 1.3 suites are all AEAD). */
  ciphers: v.optional(v.string()),
  revocation: v.optional(v.picklist(['off', 'soft-fail', 'hard-fail']), 'soft-fail'),
});
export type AccountTlsConfig = v.InferOutput<typeof AccountTlsSchema>;

export const CodecNameSchema = v.picklist(['opus', 'G722', 'PCMA', 'PCMU']);
export type CodecName = v.InferOutput<typeof CodecNameSchema>;

/** SDES suite names (RFC 4568 §6.2, RFC 6188, RFC 7714), spelled as src-main/protocol/srtp/srtp-suite.ts does. */
export const SrtpSuiteNameSchema = v.picklist([
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AES_256_CM_HMAC_SHA1_80',
  'AES_256_CM_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
]);

export const AccountConfigSchema = v.strictObject({
  /** Address of record, e.g. `sips:alice@pbx.example.com` or `sip:1001@pbx.example.com`. */
  uri: SipUriString,
  displayName: v.optional(v.pipe(v.string(), v.maxLength(128))),
  /** Digest user name when it differs from the AOR's user part. */
  authUser: v.optional(v.pipe(v.string(), v.maxLength(256))),
  password: v.optional(v.pipe(v.string(), v.maxLength(1024))),
  /** Registrar/domain override (`pbx.example.com[:port]`); defaults to the AOR's host. */
  registrar: v.optional(v.pipe(v.string(), v.maxLength(256))),
  transport: v.optional(TransportSchema, 'tls'),
  /** Send everything through this proxy (`sip:` URI or `host[:port]`), skipping RFC 3263 for the domain. */
  outboundProxy: v.optional(v.pipe(v.string(), v.maxLength(512))),
  registerExpires: v.optional(v.pipe(v.number(), v.integer(), v.minValue(60), v.maxValue(86400)), 600),
  /** Register at all (false: outgoing calls only, via the proxy). */
  register: v.optional(v.boolean(), true),
  tls: v.optional(AccountTlsSchema, {}),
  srtp: v.optional(SrtpPolicySchema, 'mandatory'),
  /** SRTP suites to offer and accept, best first; absent: the negotiator's default list. */
  srtpSuites: v.optional(v.pipe(v.array(SrtpSuiteNameSchema), v.minLength(1))),
  /** Codec preference, best first. */
  codecs: v.optional(v.array(CodecNameSchema), ['opus', 'G722', 'PCMA', 'PCMU']),
  /** Allow SDES keys over a non-TLS hop (loudly warned; off by default, see the seed). */
  allowInsecureSdes: v.optional(v.boolean(), false),
  /** Allow `tls.verify: insecure` (policy; provisioning can lock it off). */
  allowInsecureTls: v.optional(v.boolean(), false),
  /** Voicemail subscription (RFC 3842 message-summary). */
  mwi: v.optional(v.boolean(), true),
  /** RFC 4028 session refresh interval in seconds. */
  sessionExpires: v.optional(v.pipe(v.number(), v.integer(), v.minValue(90)), 1800),
});
export type AccountConfigInput = v.InferInput<typeof AccountConfigSchema>;
export type AccountConfig = v.InferOutput<typeof AccountConfigSchema>;

/** What the renderer may know about an account: no secrets. */
export const AccountViewSchema = v.object({
  id: v.string(),
  uri: v.string(),
  displayName: v.nullable(v.string()),
  transport: TransportSchema,
  tlsVerify: TlsVerifyModeSchema,
  srtp: SrtpPolicySchema,
  hasPassword: v.boolean(),
  hasClientCertificate: v.boolean(),
});
export type AccountView = v.InferOutput<typeof AccountViewSchema>;
