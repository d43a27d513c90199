/**
 * The words of every error code that crosses the service boundary (src-shared/ipc/errors.ts):
 * a plain sentence and what to do about it, made here once for the app, the web face and the
 * CLI ("codes, not sentences, below services"; ready for i18n: one table, keyed by code).
 * Some sentences name a detail (a SIP status, a file); the detail is public context only.
 */
import type { ErrorCode, Problem, ProblemDetail } from '../../../src-shared/ipc/errors.js';

type Words = { readonly message: string | ((d: ProblemDetail) => string); readonly hint: string | null | ((d: ProblemDetail) => string | null) };

const status = (d: ProblemDetail): string => {
  const s = d.status;
  const phrase = typeof d.reasonPhrase === 'string' && d.reasonPhrase !== '' ? ` ${d.reasonPhrase}` : '';
  return typeof s === 'number' ? ` (${s}${phrase})` : '';
};
const named = (d: ProblemDetail, key: string, fallback: string): string => (typeof d[key] === 'string' && d[key] !== '' ? String(d[key]) : fallback);

const WORDS: Readonly<Record<ErrorCode, Words>> = {
  // ipc
  'invalid-payload': { message: 'The request was not understood (invalid payload).', hint: 'This is a bug in the app’s window; restart the app.' },
  'unknown-channel': { message: 'There is no such request channel.', hint: 'The window and the app do not match; restart the app.' },
  'forbidden-sender': { message: 'This window may not talk to the softphone.', hint: null },
  internal: { message: 'Something went wrong inside the app. Details are in the log.', hint: 'Try again; if it keeps happening, send the diagnostics to your administrator.' },
  // general
  'not-found': { message: (d) => `There is no ${named(d, 'what', 'such item')}${typeof d.id === 'string' ? ` “${d.id}”` : ''}.`, hint: 'It may have been removed meanwhile; refresh the view.' },
  conflict: { message: 'That cannot be done in the current state.', hint: null },
  unavailable: { message: 'The phone cannot do this right now.', hint: 'Try again in a moment.' },
  cancelled: { message: 'Cancelled.', hint: null },
  // validation
  'invalid-target': { message: (d) => `“${named(d, 'target', '')}” is not a number or SIP address.`, hint: 'Enter a number, a name@domain address, or a sip:, sips: or tel: URI.' },
  'invalid-account': { message: (d) => `The account settings cannot be used: ${named(d, 'reason', 'invalid address or server')}.`, hint: 'Check the address, server and outbound proxy.' },
  'invalid-value': { message: (d) => `The value for ${named(d, 'field', 'this setting')} is out of range.`, hint: null },
  'account-exists': { message: (d) => `An account “${named(d, 'id', '')}” exists already.`, hint: 'Edit the existing account, or give the new one another name.' },
  // policy
  'policy-denied': { message: (d) => `Your organisation’s policy does not allow ${typeof d.action === 'string' ? d.action : 'this'}${typeof d.reason === 'string' ? `: ${d.reason}` : '.'}`, hint: 'Ask your administrator.' },
  'setting-locked': { message: (d) => `The setting ${named(d, 'setting', '')} is locked by your administrator${typeof d.reason === 'string' ? `: ${d.reason}` : ''}.`, hint: 'Ask your administrator to change it.' },
  'provisioning-refused': {
    message: (d) => `The provisioning from ${named(d, 'source', 'your administrator')} was refused: ${typeof d.error === 'string' ? d.error : 'it is not valid'}.`,
    hint: 'The previous settings stay in force. Tell your administrator.',
  },
  // registration
  'registration-auth-failed': { message: (d) => `The server refused the user name or password${status(d)}.`, hint: 'Check the password and the authentication user of the account.' },
  'registration-forbidden': { message: (d) => `The server does not allow this account to register${status(d)}.`, hint: 'Ask the administrator whether the account is enabled for this device.' },
  'registration-timeout': { message: 'The server did not answer the registration in time.', hint: 'The phone retries by itself; check your network if it keeps failing.' },
  'registration-transport': { message: 'The connection to the server was lost; reconnecting.', hint: 'The phone reconnects by itself; check your network or VPN if it keeps failing.' },
  'registration-interval-too-brief': { message: 'The server wants a registration interval this account cannot use.', hint: 'Raise the registration interval in the account settings.' },
  'registration-rejected': { message: (d) => `The server rejected the registration${status(d)}.`, hint: 'Check the account address and domain.' },
  'registration-server-error': { message: (d) => `The server failed the registration${status(d)}.`, hint: 'The phone retries by itself; the server may be overloaded.' },
  // call
  'call-not-ringing': { message: 'The call is not ringing any more.', hint: null },
  'call-not-connected': { message: 'The call is not connected.', hint: null },
  'call-change-pending': { message: 'A change of this call is already in progress.', hint: 'Wait a moment and try again.' },
  'call-transfer-pending': { message: 'A transfer of this call is already in progress.', hint: null },
  'call-no-connection': { message: 'There is no connection to the phone system.', hint: 'Wait until the account is registered again.' },
  'call-invalid-digit': { message: 'Only 0–9, *, # and A–D can be sent as DTMF.', hint: null },
  'call-media-not-ready': { message: 'The call’s audio is still being prepared.', hint: 'Try again in a moment.' },
  'call-no-consultation': { message: 'There is no connected consultation call to transfer to.', hint: 'Call the transfer target first and wait until they answer.' },
  'call-hold-refused': { message: (d) => `The other side refused to hold the call${status(d)}.`, hint: null },
  'call-resume-refused': { message: (d) => `The other side refused to resume the call${status(d)}.`, hint: 'Try again, or hang up and call back.' },
  'call-hold-answer-unusable': { message: 'The answer to hold or resume could not be used.', hint: null },
  'call-dtmf-refused': { message: (d) => `The other side refused the DTMF digit${status(d)}.`, hint: null },
  'call-transfer-refused': { message: (d) => `The transfer failed${status(d)}.`, hint: 'Check the transfer target; the call is still up.' },
  'call-account-not-connected': { message: 'The account is not connected to its phone system yet.', hint: 'Wait until the account is registered, or check it in Accounts.' },
  // TLS and connection (the seed's "Common Error Messages" and the rest)
  expired: { message: "The server's certificate has expired.", hint: 'Ask the PBX/SBC administrator to renew the certificate; check that this computer’s date and time are correct.' },
  'not-yet-valid': { message: "The server's certificate is not valid yet.", hint: 'Check that this computer’s date and time are correct; otherwise the server was given a certificate dated in the future.' },
  'unknown-authority': { message: "The server's certificate was issued by an authority this account does not trust.", hint: 'If your organisation runs its own certificate authority, add its root certificate to this account’s trusted CAs.' },
  'incomplete-chain': { message: 'The server did not send the intermediate certificate(s) needed to check its certificate.', hint: 'The server must send its full chain (leaf plus intermediates); ask the administrator to fix the server configuration, or add the intermediate as a trusted CA.' },
  'self-signed': { message: 'The server presented a self-signed certificate.', hint: 'Use a certificate from a trusted authority, or pin this certificate (verification mode "pinned") after confirming its fingerprint with the administrator.' },
  'invalid-chain': { message: "The server's certificate chain is invalid (bad signature, a non-CA issuer, or a certificate not meant for servers).", hint: 'The server’s certificate configuration is broken; ask the administrator to reissue it.' },
  'hostname-mismatch': { message: "The server's certificate is not valid for this SIP domain.", hint: 'Check the SIP domain in the account settings. If your provider is known to present certificates that do not name the SIP domain, use verification mode "chain-only" (weaker).' },
  'pin-mismatch': { message: "The server's key does not match the pinned key for this account.", hint: 'The certificate changed or someone is intercepting the connection. Confirm the new fingerprint with the administrator before updating the pin.' },
  revoked: { message: "The server's certificate has been revoked by its issuer.", hint: 'Do not connect. Ask the administrator to install a new certificate.' },
  'revocation-unknown': { message: "The server's certificate revocation status could not be confirmed (no valid OCSP response).", hint: 'Ask the administrator to enable OCSP stapling, or relax this account’s revocation policy to "soft-fail".' },
  'weak-key': { message: "The server's certificate uses a key that is too weak (e.g. RSA shorter than 2048 bits).", hint: 'Ask the administrator for a certificate with an RSA 2048+ or ECDSA P-256+ key.' },
  'weak-signature': { message: "The server's certificate is signed with an obsolete algorithm (SHA-1 or MD5).", hint: 'Ask the administrator for a certificate signed with SHA-256 or better.' },
  'protocol-version': { message: 'The server only offers an old TLS version that this account does not allow (TLS 1.0/1.1).', hint: 'Ask the administrator to enable TLS 1.2 or 1.3 on the server. Lowering the minimum is unsafe and may be locked by policy.' },
  'handshake-failure': { message: 'The TLS handshake failed: the server and this phone have no cipher suite in common.', hint: 'The server probably offers only CBC or RSA-key-exchange suites; ask for ECDHE with AES-GCM or ChaCha20-Poly1305.' },
  'not-tls': { message: 'The server did not answer with TLS.', hint: 'Check the port: 5061 is usually SIP over TLS, 5060 plain SIP. The server may not have TLS enabled.' },
  'client-cert-required': { message: 'The server requires a client certificate and none is configured.', hint: 'Import the client certificate (PKCS#12 or PEM) your administrator gave you into this account.' },
  'client-cert-rejected': { message: 'The server rejected this phone’s client certificate.', hint: 'The certificate may be expired, revoked or from a CA the server does not trust; ask the administrator for a new one.' },
  'client-cert-invalid': { message: 'The configured client certificate or key cannot be used.', hint: 'Re-import the client certificate; the key must match the certificate.' },
  'client-cert-password': { message: 'The password for the client certificate file is wrong.', hint: 'Enter the PKCS#12 password your administrator gave you.' },
  'insecure-not-allowed': { message: 'Connecting without certificate verification is not allowed by policy.', hint: 'Choose "full", "chain-only" or "pinned" verification for this account.' },
  'policy-violation': { message: 'The TLS settings of this account are not allowed by policy.', hint: 'Use the provisioned TLS minimum version and cipher suites.' },
  'connection-refused': { message: 'The server refused the connection.', hint: 'The server is not listening on this port, or a firewall rejects it. Check the host, port and transport.' },
  'connection-reset': { message: 'The server closed the connection during setup.', hint: 'The server may be overloaded or restricting clients by address; try again later or ask the administrator.' },
  'host-unreachable': { message: 'The server cannot be reached from this network.', hint: 'Check your network connection, VPN and proxy settings.' },
  timeout: { message: 'The server did not answer in time.', hint: 'A firewall may be dropping the traffic silently, or the server is down. Check the host and port.' },
  'dns-failure': { message: 'The SIP server name could not be resolved.', hint: 'Check the SIP domain or outbound proxy spelling, and your DNS/network settings.' },
  'no-targets': { message: 'DNS returned no usable server for this SIP domain and transport.', hint: 'For sips: and transport=tls only TLS servers are used; check the account transport or the domain’s NAPTR/SRV records.' },
  'flow-closed': { message: 'The connection to the server is closed.', hint: 'The phone reconnects automatically; if it keeps failing, see the connection log.' },
  aborted: { message: 'The connection attempt was cancelled.', hint: 'No action needed.' },
  'ca-file-unreadable': { message: (d) => `The CA file ${named(d, 'file', '')} cannot be read.`, hint: 'Check the path in the account settings.' },
  'client-cert-unreadable': { message: (d) => `The client certificate file ${named(d, 'file', '')} cannot be read.`, hint: 'Check the certificate paths in the account settings.' },
  // media
  'media-insecure-signalling': { message: 'Encryption is mandatory for this account, but the connection to the server is not a verified TLS connection, so no encryption keys can be sent.', hint: 'Use TLS with full, chain-only or pinned verification, or ask your administrator.' },
  'media-no-codecs': { message: 'No audio codec is enabled for this account.', hint: 'Enable at least one codec (Opus, G.722, PCMA or PCMU) in the account settings.' },
  'media-bad-config': { message: 'The account’s media settings cannot be used.', hint: 'Check the SRTP suites and codecs of the account.' },
  'media-unparseable-sdp': { message: 'The other side sent a media description that cannot be read.', hint: null },
  'media-not-acceptable': { message: 'The other side’s media cannot be used: no common codec or encryption.', hint: 'If encryption is mandatory, the other side must offer SRTP (SDES) with a suite this account allows.' },
  'media-count-mismatch': { message: 'The answer does not match the offered media.', hint: null },
  'media-no-media': { message: 'The other side offered no audio.', hint: null },
  'media-socket-failed': { message: 'No network port for the call’s audio could be opened.', hint: 'Another program may use all ports of the range, or the network is down.' },
  // audio
  'audio-unavailable': { message: 'The sound system is not available.', hint: 'Check that a sound device is connected and not used exclusively by another program.' },
  'audio-device-not-found': { message: (d) => `There is no ${named(d, 'kind', 'sound device')} “${named(d, 'deviceId', '')}” now.`, hint: 'Is it plugged in? Pick another device in the audio settings.' },
  'audio-format-unsupported': { message: 'The sound device does not support the audio format.', hint: 'Pick another device.' },
  'audio-open-failed': { message: 'The sound device could not be opened.', hint: 'Another program may be using it; pick another device.' },
  'audio-device-lost': { message: 'The sound device was disconnected.', hint: 'The call goes on with the system default device; pick another one if needed.' },
  'audio-io-error': { message: 'The sound device stopped working.', hint: 'Pick another device, or reconnect it.' },
  'audio-echo-cancellation-unavailable': { message: 'Echo cancellation is not available; the call goes on without it.', hint: 'Use a headset to avoid echo for the other party.' },
  // storage
  'storage-read-failed': { message: (d) => `Stored ${named(d, 'what', 'data')} could not be read.`, hint: 'Check the permissions of the app’s data folder.' },
  'storage-write-failed': { message: (d) => `${named(d, 'what', 'Data')} could not be saved.`, hint: 'Check the free disk space and the permissions of the app’s data folder.' },
  'password-not-stored': {
    message: (d) => `The password of ${named(d, 'account', 'this account')} is not kept on this computer (no keyring is available to protect it). Enter your password to connect.`,
    hint: 'Edit the account and enter the password; it is used until the app quits. Installing a keyring (GNOME Keyring, KWallet) lets the app keep it.',
  },
  'storage-corrupt': { message: (d) => `Stored ${named(d, 'what', 'data')} was damaged and has been set aside.`, hint: 'The damaged file was kept next to the new one for your administrator.' },
};

/** A code with its words; `detail` (public context) may shape the sentence and travels along. */
export function problem(code: ErrorCode, detail?: ProblemDetail): Problem {
  const w = WORDS[code];
  const d = detail ?? {};
  const message = typeof w.message === 'function' ? w.message(d) : w.message;
  const hint = typeof w.hint === 'function' ? w.hint(d) : w.hint;
  return detail === undefined || Object.keys(detail).length === 0 ? { code, message, hint } : { code, message, hint, detail };
}

/** Keeps only public, flat context: strings (truncated), numbers, booleans. */
export function publicDetail(input: Readonly<Record<string, unknown>> | undefined): ProblemDetail | undefined {
  if (input === undefined) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, val] of Object.entries(input)) {
    if (typeof val === 'string') out[k.slice(0, 64)] = val.slice(0, 500);
    else if (typeof val === 'number' && Number.isFinite(val)) out[k.slice(0, 64)] = val;
    else if (typeof val === 'boolean' || val === null) out[k.slice(0, 64)] = val;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}
