import type { AccountConfigInput, AccountView, CodecName, SrtpPolicy, TlsVerifyMode, TransportName } from '../../../src-shared/model/account';

export const ALL_SUITES = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AES_256_CM_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'] as const;
export type SuiteName = (typeof ALL_SUITES)[number];
export const ALL_CODECS: readonly CodecName[] = ['opus', 'G722', 'PCMA', 'PCMU'];
export const DEFAULT_SUITES: readonly SuiteName[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

/** The wizard's fields (strings and flags, as the form edits them). */
export interface AccountForm {
  address: string;
  displayName: string;
  password: string;
  authUser: string;
  server: string;
  transport: TransportName;
  verification: Exclude<TlsVerifyMode, 'insecure'>;
  pin: string;
  minTls: 'TLSv1.2' | 'TLSv1.3';
  caFiles: string;
  clientCert: 'none' | 'pkcs12' | 'pem';
  pkcs12: string;
  certFile: string;
  keyFile: string;
  certPassword: string;
  srtp: SrtpPolicy;
  suites: SuiteName[];
  codecs: CodecName[];
  registerExpires: number;
}

export function emptyForm(): AccountForm {
  return {
    address: '',
    displayName: '',
    password: '',
    authUser: '',
    server: '',
    transport: 'tls',
    verification: 'full',
    pin: '',
    minTls: 'TLSv1.2',
    caFiles: '',
    clientCert: 'none',
    pkcs12: '',
    certFile: '',
    keyFile: '',
    certPassword: '',
    srtp: 'mandatory',
    suites: [...DEFAULT_SUITES],
    codecs: [...ALL_CODECS],
    registerExpires: 600,
  };
}

/** The form of an account being edited (no password: it stays in main unless retyped). */
export function formOf(a: AccountView): AccountForm {
  const cc = a.clientCertificate;
  return {
    ...emptyForm(),
    address: a.address,
    displayName: a.displayName ?? '',
    authUser: a.authUser ?? '',
    server: a.outboundProxy ?? a.registrar ?? '',
    transport: a.transport,
    verification: a.verification === 'insecure' ? 'full' : a.verification,
    pin: a.pin ?? '',
    minTls: a.minTlsVersion,
    caFiles: a.caFiles.join('\n'),
    clientCert: cc === null ? 'none' : cc.kind,
    pkcs12: cc?.kind === 'pkcs12' ? cc.file : '',
    certFile: cc?.kind === 'pem' ? cc.file : '',
    srtp: a.srtp,
    suites: a.srtpSuites.length > 0 ? (a.srtpSuites as SuiteName[]) : [...DEFAULT_SUITES],
    codecs: a.codecs.length > 0 ? [...a.codecs] : [...ALL_CODECS],
    registerExpires: a.registerExpires,
  };
}

/** `alice@pbx.example.com`, `sip:…` or `sips:…`: the AOR the account registers, or null when it is not one. */
export function addressToUri(address: string): string | null {
  const a = address.trim();
  const uri = /^sips?:/i.test(a) ? a : `sip:${a}`;
  return /^sips?:([^@\s:]+(:[^@\s]*)?@)?[^@\s;:]+(:\d+)?(;[^@\s]*)?$/i.test(uri) && uri.includes('@') ? uri : null;
}

/** The account schema from the form (the password only when typed: left out, main keeps the stored one). */
export function configOf(f: AccountForm): AccountConfigInput | null {
  const uri = addressToUri(f.address);
  if (uri === null) return null;
  const caFiles = f.caFiles
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const tls: NonNullable<AccountConfigInput['tls']> = { verify: f.verification, minVersion: f.minTls, caFiles };
  if (f.verification === 'pinned' && f.pin.trim() !== '') tls.pin = f.pin.trim();
  if (f.clientCert === 'pkcs12' && f.pkcs12.trim() !== '') tls.clientCert = { pkcs12: f.pkcs12.trim(), ...(f.certPassword === '' ? {} : { password: f.certPassword }) };
  if (f.clientCert === 'pem' && f.certFile.trim() !== '' && f.keyFile.trim() !== '') tls.clientCert = { cert: f.certFile.trim(), key: f.keyFile.trim(), ...(f.certPassword === '' ? {} : { password: f.certPassword }) };
  const server = f.server.trim();
  return {
    uri,
    ...(f.displayName.trim() === '' ? {} : { displayName: f.displayName.trim() }),
    ...(f.authUser.trim() === '' ? {} : { authUser: f.authUser.trim() }),
    ...(f.password === '' ? {} : { password: f.password }),
    ...(server === '' ? {} : { outboundProxy: server }),
    transport: /^sips:/i.test(uri) ? 'tls' : f.transport,
    tls,
    srtp: f.srtp,
    ...(f.suites.length > 0 ? { srtpSuites: [...f.suites] } : {}),
    codecs: f.codecs.length > 0 ? [...f.codecs] : [...ALL_CODECS],
    registerExpires: Math.min(86400, Math.max(60, Math.round(f.registerExpires))),
  };
}
