/**
 * Proves the sipp-behind-stunnel harness before our user agent exists: sipp as UAC reaches
 * Kamailio's TLS port through stunnel (REGISTER with digest auth, OPTIONS, and a full SRTP-offer
 * call to a registered baresip), and sipp as UAS behind a stunnel TLS server answers an INVITE
 * sent by hand over node:tls and completes the dialog.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { startBaresip } from './baresip/baresip.js';
import { startKamailio, type Kamailio } from './kamailio/kamailio.js';
import { requirePeers } from './peers.js';
import { isLoopbackBind, socketsOfProcessGroup } from './process-sockets.js';
import { buildInDialogRequest, sdesSdp, uacDialogFrom2xx } from './sip-probe.js';
import { buildRequest, SipStreamClient, sipToken } from './sip-stream-client.js';
import { startSippBehindStunnel } from './sipp/sipp.js';
import { assertNoLivePeers, useHarnessScope } from './vitest-scope.js';

const peers = requirePeers(['kamailio', 'sipp', 'stunnel', 'baresip']);
const users = [
  { user: 'sipp', password: 'sipp-pw-5' },
  { user: 'bob', password: 'bob-pw-2' },
];

// Skips only where a Debian peer is missing (requirePeers prints which); under CI=true requirePeers throws instead.
describe.skipIf(!peers.available)('sipp behind stunnel4: real TLS in front of a TLS-less sipp', () => {
  const scope = useHarnessScope('sipp-smoke');
  let kam: Kamailio;

  beforeAll(async () => {
    kam = await startKamailio({ scope: scope(), users });
  });

  it('UAC: sipp → stunnel (verifying pbx.test against the harness CA) → Kamailio TLS: REGISTER with digest auth, then OPTIONS', async () => {
    const uac = await startSippBehindStunnel({
      scope: scope(),
      role: 'uac',
      scenario: 'uac-register',
      target: { port: kam.ports.tls, caFile: kam.caCertPath, verifyHost: 'pbx.test' },
      service: 'sipp',
      authUser: 'sipp',
      authPassword: 'sipp-pw-5',
      timeoutSeconds: 15,
    });
    const result = await uac.waitForExit();
    expect(result.summary).toBe('sipp exit code 0');
    // Kamailio saw the authenticated REGISTER arrive over TLS, and answered it with 200.
    const registered = await kam.waitForSipMessage((e) => e.direction === 'out' && e.message.status === 200 && e.message.cseqMethod === 'REGISTER');
    expect(registered.proto).toBe('tls');
    expect(readFileSync(uac.messageLogPath, 'utf8')).toMatch(/SIP\/2\.0 401 Unauthorized[\s\S]*Authorization: Digest[\s\S]*SIP\/2\.0 200 OK/);
    await uac.stop();
  });

  it('UAC: fails when stunnel cannot verify the target (wrong CA), so the TLS is really checked', async () => {
    const uac = await startSippBehindStunnel({
      scope: scope(),
      role: 'uac',
      scenario: 'uac-register',
      target: { port: kam.ports.tls, caFile: kam.pki.unknownCaCertPath, verifyHost: 'pbx.test' },
      service: 'sipp',
      authUser: 'sipp',
      authPassword: 'sipp-pw-5',
      timeoutSeconds: 3,
    });
    const result = await uac.waitForExit();
    expect(result.ok).toBe(false);
    expect(uac.stunnel.output()).toMatch(/certificate verify failed|CERT_(?:UNTRUSTED|REJECTED)|Certificate check failed|unable to get local issuer/i);
    await uac.stop();
  });

  it('UAC: sipp calls a registered baresip through Kamailio (407 digest, SRTP offer, ACK, BYE)', async () => {
    const bob = await startBaresip({ scope: scope(), kamailio: kam, user: 'bob', password: 'bob-pw-2', answerMode: 'auto' });
    await bob.waitForRegistration();
    const uac = await startSippBehindStunnel({
      scope: scope(),
      role: 'uac',
      scenario: 'uac-call',
      target: { port: kam.ports.tls, caFile: kam.caCertPath, verifyHost: 'pbx.test' },
      service: 'bob',
      authUser: 'sipp',
      authPassword: 'sipp-pw-5',
      pauseMs: 500,
      timeoutSeconds: 15,
    });
    const result = await uac.waitForExit();
    expect(result.summary).toBe('sipp exit code 0');
    const menc = await bob.waitForEvent('CALL_MENC');
    expect(menc.param).toMatch(/AES_CM_128_HMAC_SHA1_80/);
    await bob.waitForEvent('CALL_CLOSED');
    await bob.stop();
    await uac.stop();
  });

  it('UAS: sipp behind a stunnel TLS server (all sockets on loopback) accepts a verified node:tls connection and answers a hand-written INVITE (180, 200 with SRTP, ACK, BYE)', async () => {
    const uas = await startSippBehindStunnel({ scope: scope(), role: 'uas', scenario: 'uas-call', timeoutSeconds: 15 });
    for (const pid of [uas.sipp.pid, uas.stunnel.pid]) expect(socketsOfProcessGroup(pid).filter((s) => !isLoopbackBind(s.address))).toEqual([]);
    const client = await SipStreamClient.connectTls(uas.port, { ca: uas.caCertPem!, servername: 'pbx.test' });
    try {
      const callId = sipToken();
      const provisional: Awaited<ReturnType<SipStreamClient['nextMessage']>>[] = [];
      const invite = buildRequest({
        method: 'INVITE',
        uri: `sip:sipp@127.0.0.1:${uas.port};transport=tls`,
        client,
        from: '<sip:probe@pbx.test>',
        to: '<sip:sipp@pbx.test>',
        callId,
        cseq: 1,
        extraHeaders: [`Contact: <sip:probe@127.0.0.1:${client.localPort};transport=tls>`],
        body: sdesSdp(40_020),
      });
      const ok = await client.request(invite, 5000, provisional);
      expect(provisional.map((p) => p.status)).toContain(180);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatch(/^m=audio \d+ RTP\/SAVP /m);
      expect(ok.body).toMatch(/^a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m);
      expect(ok.header('contact')).toContain(`:${uas.port};transport=tls`);
      const dialog = uacDialogFrom2xx(ok);
      client.send(buildInDialogRequest(client, dialog, 'ACK', 1));
      client.send(buildInDialogRequest(client, dialog, 'BYE', 2));
      const byeOk = await client.nextMessage((m) => m.cseqMethod === 'BYE' && m.status !== undefined);
      expect(byeOk.status).toBe(200);
    } finally {
      await client.close();
    }
    expect((await uas.waitForExit()).summary).toBe('sipp exit code 0');
    await uas.stop();
  });

  it('UAS: uas-busy answers 486 and takes the ACK', async () => {
    const uas = await startSippBehindStunnel({ scope: scope(), role: 'uas', scenario: 'uas-busy', timeoutSeconds: 15 });
    const client = await SipStreamClient.connectTls(uas.port, { ca: uas.caCertPem!, servername: 'pbx.test' });
    try {
      const spec = { method: 'INVITE', uri: `sip:sipp@127.0.0.1:${uas.port};transport=tls`, client, from: '<sip:probe@pbx.test>', to: '<sip:sipp@pbx.test>', callId: sipToken(), cseq: 1, body: sdesSdp(40_022) };
      const busy = await client.request(buildRequest(spec));
      expect(busy.status).toBe(486);
      client.send(
        [
          `ACK ${spec.uri} SIP/2.0`,
          `Via: ${busy.header('via') ?? ''}`,
          'Max-Forwards: 70',
          `From: ${busy.header('from') ?? ''}`,
          `To: ${busy.header('to') ?? ''}`,
          `Call-ID: ${spec.callId}`,
          'CSeq: 1 ACK',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    } finally {
      // Let sipp read the ACK before the connection goes.
      await new Promise((r) => setTimeout(r, 200));
      await client.close();
    }
    expect((await uas.waitForExit()).summary).toBe('sipp exit code 0');
    await uas.stop();
  });

  it('leaves no process behind', async () => {
    await kam.stop();
    assertNoLivePeers();
  });
});
