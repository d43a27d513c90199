import type { SipLogEntryView } from '../../src-shared/model/diagnostics';
import type { AccountView } from '../../src-shared/model/account';

/** A SIP log entry as main would send it (odd seq: a REGISTER sent; even: its 200 OK), for tests. */
export function sipEntry(seq: number, over: Partial<SipLogEntryView> = {}): SipLogEntryView {
  const sent = seq % 2 === 1;
  return {
    seq,
    time: new Date(Date.UTC(2026, 11, 6, 10, 0, 0, seq)).toISOString(),
    accountId: 'work',
    direction: sent ? 'sent' : 'received',
    remote: '127.0.0.1:5061',
    transport: 'tls',
    firstLine: sent ? 'REGISTER sips:pbx.example.com SIP/2.0' : 'SIP/2.0 200 OK',
    method: 'REGISTER',
    status: sent ? null : 200,
    callId: 'reg-1',
    bytes: 400 + seq,
    text: `${sent ? 'REGISTER sips:pbx.example.com SIP/2.0' : 'SIP/2.0 200 OK'}\r\nCSeq: ${seq} REGISTER\r\n\r\n`,
    ...over,
  };
}

/** An AccountView as main would send it, for tests. */
export function accountView(id: string, over: Partial<AccountView> = {}): AccountView {
  return {
    id,
    displayName: null,
    address: `sips:alice@${id}.example.com`,
    shortAddress: `alice@${id}.example.com`,
    authUser: null,
    registrar: null,
    outboundProxy: null,
    transport: 'tls',
    tlsScope: 'every-hop',
    verification: 'full',
    pin: null,
    minTlsVersion: 'TLSv1.2',
    caFiles: [],
    trustedCas: [],
    caOnly: false,
    revocation: 'soft-fail',
    clientCertificate: null,
    srtp: 'mandatory',
    srtpSuites: ['AES_CM_128_HMAC_SHA1_80'],
    codecs: ['PCMU'],
    register: true,
    registerExpires: 600,
    sessionExpires: 1800,
    voicemail: false,
    allowInsecureSdes: false,
    hasPassword: true,
    enabled: true,
    isDefault: true,
    locked: [],
    ...over,
  };
}
