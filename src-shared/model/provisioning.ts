import * as v from 'valibot';
import { AccountConfigSchema, CodecNameSchema, SrtpSuiteNameSchema, TlsVerifyModeSchema } from './account.js';

/**
 * The provisioning document IT hands the phone (docs/provisioning.md): accounts in the one
 * account schema, policy, CA certificates, branding and defaults. The JSON Schema in
 * build/provisioning.schema.json is generated from this (`npm run provisioning-schema`; a test
 * checks the committed file equals the generated one).
 */

const Pem = v.pipe(v.string(), v.maxLength(20_000), v.regex(/-----BEGIN CERTIFICATE-----/, 'must be a PEM certificate'));
const Reason = v.pipe(v.string(), v.maxLength(500));

export const ProvisionedAccountSchema = v.strictObject({
  /** Stable id of the account (lower-case letters, digits, ".", "_", "-"). */
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(64), v.regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"')),
  /** The account, in the same schema as the app and the CLI; a password is optional (asked for, or entered by the user). */
  config: AccountConfigSchema,
  enabled: v.optional(v.boolean(), true),
  makeDefault: v.optional(v.boolean(), false),
  /** Settings of this account the user may not change (dotted keys: `transport`, `tls.verify`, `srtp`…). */
  locked: v.optional(v.array(v.pipe(v.string(), v.maxLength(64))), []),
});

export const ProvisioningPolicySchema = v.strictObject({
  /** No account may use a lower TLS version. */
  minTlsVersion: v.optional(v.picklist(['TLSv1.2', 'TLSv1.3'])),
  /** The verification modes an account may use (default: all but `insecure`). */
  allowedVerificationModes: v.optional(v.array(TlsVerifyModeSchema)),
  /** Every account must use SRTP `mandatory`. */
  srtpMandatory: v.optional(v.boolean()),
  /** The SRTP suites an account may name. */
  allowedSrtpSuites: v.optional(v.array(SrtpSuiteNameSchema)),
  /** Whether accounts may use plain TCP/UDP (default true). */
  allowPlainTransports: v.optional(v.boolean()),
  /** Whether the user may add accounts (default true) and remove them. */
  usersMayAddAccounts: v.optional(v.boolean()),
  /** Whether the user may change account settings (default true); a password may always be entered. */
  usersMayEditAccounts: v.optional(v.boolean()),
  /** Certificate panel actions (default true). */
  trustCa: v.optional(v.boolean()),
  pin: v.optional(v.boolean()),
  chainOnly: v.optional(v.boolean()),
  exportPem: v.optional(v.boolean()),
  /** Settings locked on every account (dotted keys). */
  lockedSettings: v.optional(v.array(v.pipe(v.string(), v.maxLength(64)))),
  /** Linux without a keyring: store passwords with safeStorage's `basic_text` anyway (default false). */
  allowPasswordsWithoutKeyring: v.optional(v.boolean()),
  /** Later sources (provisioning URL, `--provision`) may not change anything this document set (default true: they may). */
  allowLaterSources: v.optional(v.boolean()),
  /** Why, in the administrator's words: shown next to every locked or refused setting. */
  reason: v.optional(Reason),
});
export type ProvisioningPolicy = v.InferOutput<typeof ProvisioningPolicySchema>;

export const ProvisioningSchema = v.strictObject({
  /** The version of this document format. */
  version: v.literal(1),
  accounts: v.optional(v.array(ProvisionedAccountSchema), []),
  policy: v.optional(ProvisioningPolicySchema, {}),
  /** CA certificates (PEM) trusted by every provisioned account. */
  caCertificates: v.optional(v.array(Pem), []),
  branding: v.optional(
    v.strictObject({
      productName: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
      /** Reverse-DNS application id of a branded build (scripts/branded-build.mjs passes it to electron-builder). */
      appId: v.optional(v.pipe(v.string(), v.maxLength(128), v.regex(/^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+$/, 'must be a reverse-DNS id such as com.acme.phone'))),
      /** Path of the icon (PNG), relative to the document (used by the branded-build script). */
      icon: v.optional(v.pipe(v.string(), v.maxLength(512))),
      accentColor: v.optional(v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #0a66c2'))),
    }),
  ),
  defaults: v.optional(
    v.strictObject({
      codecs: v.optional(v.array(CodecNameSchema)),
      devices: v.optional(v.strictObject({ capture: v.optional(v.string()), playback: v.optional(v.string()), ring: v.optional(v.string()) })),
      startAtLogin: v.optional(v.boolean()),
    }),
  ),
  /** A provisioning URL (HTTPS) to fetch on start and every `refreshMinutes` (bundled or system file only). */
  url: v.optional(v.pipe(v.string(), v.maxLength(2048), v.regex(/^https:\/\//, 'must be an https:// URL'))),
  refreshMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(5), v.maxValue(10_080)), 60),
  /**
   * SPKI PEM of the key (Ed25519 or ECDSA) that signs documents fetched from `url` (a detached
   * signature at `url` + `.sig`, base64). Honoured in the bundled file only.
   */
  signingPublicKey: v.optional(v.pipe(v.string(), v.maxLength(4000), v.regex(/-----BEGIN PUBLIC KEY-----/, 'must be a PEM public key'))),
  /** Client certificate (PKCS#12 path and password) for mTLS to `url`; a document over mTLS needs no signature. */
  urlClientCertificate: v.optional(v.strictObject({ pkcs12: v.pipe(v.string(), v.minLength(1)), password: v.optional(v.string()) })),
  /** CA certificates (PEM) that may issue the provisioning server's certificate, on top of the system store. */
  urlCaCertificates: v.optional(v.array(Pem), []),
});
export type ProvisioningDocument = v.InferOutput<typeof ProvisioningSchema>;

/** What the renderer may know of provisioning: where it came from and what it allows (no secret, no document). */
export const ProvisioningViewSchema = v.object({
  provisioned: v.boolean(),
  sources: v.array(
    v.object({
      kind: v.picklist(['bundled', 'system', 'url', 'command-line']),
      location: v.string(),
      state: v.picklist(['applied', 'refused', 'absent', 'ignored']),
      /** Why it was refused (the field named) or ignored; the last good document then stays in force. */
      error: v.nullable(v.string()),
    }),
  ),
  usersMayAddAccounts: v.boolean(),
  usersMayEditAccounts: v.boolean(),
  reason: v.nullable(v.string()),
  branding: v.object({ productName: v.nullable(v.string()), accentColor: v.nullable(v.string()) }),
});
export type ProvisioningView = v.InferOutput<typeof ProvisioningViewSchema>;
