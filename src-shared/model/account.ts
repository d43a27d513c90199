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
  /**
   * CA certificates (PEM text) trusted for this account, added with "Trust this CA" in the
   * certificate panel or by provisioning; on top of caFiles.
   */
  trustedCas: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(20_000), v.regex(/-----BEGIN CERTIFICATE-----/, 'must be a PEM certificate'))), v.maxLength(16)), []),
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

/**
 * What the renderer may know about an account: everything the settings form shows, no secret.
 * Passwords are reported only as "set or not". Built by services/phone/views/account-view.ts.
 */
export const LockedSettingSchema = v.object({
  /** The setting's key in the account schema, dotted (`tls.verify`, `srtp`, `transport`). */
  setting: v.string(),
  /** Why, in the administrator's words (provisioning). */
  reason: v.string(),
});
export type LockedSetting = v.InferOutput<typeof LockedSettingSchema>;

export const AccountViewSchema = v.object({
  id: v.string(),
  displayName: v.nullable(v.string()),
  /** The address of record as configured (`sips:alice@pbx.example.com`). */
  address: v.string(),
  /** The address people read: `alice@pbx.example.com`. */
  shortAddress: v.string(),
  authUser: v.nullable(v.string()),
  registrar: v.nullable(v.string()),
  outboundProxy: v.nullable(v.string()),
  transport: TransportSchema,
  /** sips: requires TLS on every hop (RFC 3261 §26.2.2); sip:;transport=tls only on the first. */
  tlsScope: v.picklist(['every-hop', 'first-hop', 'none']),
  verification: TlsVerifyModeSchema,
  /** The pinned SPKI or certificate fingerprint (public), for `pinned`. */
  pin: v.nullable(v.string()),
  minTlsVersion: v.picklist(['TLSv1.2', 'TLSv1.3']),
  caFiles: v.array(v.string()),
  /** CAs trusted from the certificate panel (or provisioning), by subject and fingerprint. */
  trustedCas: v.array(v.object({ subject: v.string(), fingerprintSha256: v.string() })),
  caOnly: v.boolean(),
  revocation: v.picklist(['off', 'soft-fail', 'hard-fail']),
  clientCertificate: v.nullable(v.object({ kind: v.picklist(['pkcs12', 'pem']), file: v.string(), hasPassword: v.boolean() })),
  srtp: SrtpPolicySchema,
  srtpSuites: v.array(SrtpSuiteNameSchema),
  codecs: v.array(CodecNameSchema),
  register: v.boolean(),
  registerExpires: v.number(),
  sessionExpires: v.number(),
  voicemail: v.boolean(),
  allowInsecureSdes: v.boolean(),
  hasPassword: v.boolean(),
  /**
   * The password is not kept on this computer (Linux without a keyring) and has not been entered
   * since the app started: the account waits for it (accounts.update with the password).
   */
  passwordNeeded: v.optional(v.boolean()),
  enabled: v.boolean(),
  isDefault: v.boolean(),
  /** Settings IT has locked, and why (empty until provisioning). */
  locked: v.array(LockedSettingSchema),
});
export type AccountView = v.InferOutput<typeof AccountViewSchema>;

const AccountIdSchema = v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"'));

/** `accounts.add`: the account schema (password included: it crosses the door inward, once). */
export const AccountAddSchema = v.strictObject({
  /** Chosen by main from the address when absent. */
  id: v.optional(AccountIdSchema),
  config: AccountConfigSchema,
  enabled: v.optional(v.boolean(), true),
  makeDefault: v.optional(v.boolean(), false),
});
export type AccountAdd = v.InferOutput<typeof AccountAddSchema>;

/**
 * `accounts.update`: the whole edited account (as the settings form submits it). A password left
 * out keeps the stored one (a form never gets it back to resubmit); `clearPassword` removes it.
 * The same holds for the client certificate's password.
 */
export const AccountUpdateSchema = v.strictObject({
  id: AccountIdSchema,
  config: AccountConfigSchema,
  clearPassword: v.optional(v.boolean(), false),
});
export type AccountUpdate = v.InferOutput<typeof AccountUpdateSchema>;

export const AccountIdRequestSchema = v.strictObject({ id: AccountIdSchema });
export const AccountEnableSchema = v.strictObject({ id: AccountIdSchema, enabled: v.boolean() });
