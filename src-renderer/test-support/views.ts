import type { CallAction, CallView } from '../../src-shared/model/call';

/** A CallView as main would send it, for tests. */
export function callView(id: string, over: Partial<CallView> = {}, actions: CallAction[] = ['hangup', 'hold', 'mute', 'dtmf', 'transfer', 'attended-transfer']): CallView {
  return {
    id,
    accountId: 'work',
    direction: 'outgoing',
    remote: { uri: `sip:${id}@pbx.example.com`, label: `${id}@pbx.example.com`, displayName: null },
    state: 'active',
    startedAt: '2026-12-06T10:00:00.000Z',
    answeredAt: '2026-12-06T10:00:02.000Z',
    endedAt: null,
    muted: false,
    held: false,
    remoteHeld: false,
    actions,
    consultationOf: null,
    endReason: null,
    security: {
      level: 'secure',
      signalling: { transport: 'tls', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', verification: 'full', hops: 'first-hop', summary: 'Signalling is encrypted with TLSv1.3.' },
      media: { encrypted: true, suite: 'AES_CM_128_HMAC_SHA1_80', policy: 'mandatory', reasonCode: null, offered: ['AES_CM_128_HMAC_SHA1_80'], chosen: 'AES_CM_128_HMAC_SHA1_80', why: 'Both sides agreed.', summary: 'Audio is encrypted with SRTP.', warnings: [], offeredBy: 'us', lines: [{ tag: 1, suite: 'AES_CM_128_HMAC_SHA1_80', verdict: 'accepted', reason: 'The first suite both sides support.', chosen: true }], remoteProfile: 'RTP/SAVP' },
    },
    audio: null,
    ...over,
  };
}
