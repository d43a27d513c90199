/**
 * Proves the Kamailio harness before our user agent exists: a real Kamailio 5.6 on loopback with
 * TLS from the harness PKI, digest-authenticated registration without a database, calls routed
 * to the connection a client registered over, CANCEL, restart, the SIP message log, and the bad
 * certificates a client must refuse. All SIP here is hand-written (sip-probe.ts).
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type Kamailio } from './kamailio/kamailio.js';
import type { ServerCertificateKind } from './interop-pki.js';
import { requirePeers } from './peers.js';
import { isLoopbackBind, socketsOfProcessGroup } from './process-sockets.js';
import { buildInDialogRequest, buildResponse, registerProbe, requestWithAuth, sdesSdp, uacDialogFrom2xx } from './sip-probe.js';
import { buildRequest, SipStreamClient, sipToken } from './sip-stream-client.js';
import { assertNoLivePeers, useHarnessScope } from './vitest-scope.js';

const peers = requirePeers(['kamailio']);
const alice = { user: 'alice', password: 'alice-secret-1', domain: 'pbx.test' };
const bob = { user: 'bob', password: 'b0b "quoted" $ecret\\', domain: 'pbx.test' };

/** Error code of a TLS handshake against `port` trusting `ca` for `servername`, or 'ok'. */
function handshake(port: number, ca: string, servername: string | null = 'pbx.test'): Promise<string> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: '127.0.0.1', port, ca, ...(servername === null ? {} : { servername }), rejectUnauthorized: true });
    s.once('secureConnect', () => {
      s.destroy();
      resolve('ok');
    });
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

function udpOptions(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createSocket('udp4');
    const timer = setTimeout(() => {
      sock.close();
      reject(new Error('no UDP answer'));
    }, 3000);
    sock.on('message', (m) => {
      clearTimeout(timer);
      sock.close();
      resolve(m.toString('utf8').split('\r\n')[0] ?? '');
    });
    sock.bind(0, '127.0.0.1', () => {
      const { port: local } = sock.address();
      const text = [
        `OPTIONS sip:pbx.test SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};rport;branch=z9hG4bK${sipToken()}`,
        'Max-Forwards: 70',
        `From: <sip:probe@pbx.test>;tag=${sipToken(4)}`,
        'To: <sip:pbx.test>',
        `Call-ID: ${sipToken()}`,
        'CSeq: 1 OPTIONS',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n');
      sock.send(text, port, '127.0.0.1');
    });
  });
}

// Skips only where Kamailio is missing (requirePeers prints which); under CI=true requirePeers throws instead.
describe.skipIf(!peers.available)('Kamailio harness: real Kamailio 5.6 with TLS on loopback', () => {
  const scope = useHarnessScope('kamailio-smoke');
  let kam: Kamailio;
  const clients: SipStreamClient[] = [];
  const tls = async (): Promise<SipStreamClient> => {
    const c = await SipStreamClient.connectTls(kam.ports.tls, { ca: kam.caCertPem, servername: kam.domain });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    kam = await startKamailio({ scope: scope(), users: [alice, bob] });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  it('binds UDP+TCP on one port and TLS on another, all on 127.0.0.1 only', () => {
    const sockets = socketsOfProcessGroup(kam.pid).filter((s) => s.listening);
    const bound = sockets.map((s) => `${s.proto}:${s.address}:${s.port}`);
    expect(bound).toEqual(expect.arrayContaining([`udp:127.0.0.1:${kam.ports.udp}`, `tcp:127.0.0.1:${kam.ports.tcp}`, `tcp:127.0.0.1:${kam.ports.tls}`]));
    expect(sockets.filter((s) => !isLoopbackBind(s.address))).toEqual([]);
  });

  it('completes a TLS handshake verified against the harness CA (pbx.test and 127.0.0.1), and fails against an unknown CA', async () => {
    expect(await handshake(kam.ports.tls, kam.caCertPem)).toBe('ok');
    expect(await handshake(kam.ports.tls, kam.caCertPem, null)).toBe('ok');
    const c = await tls();
    expect((c.socket as TLSSocket).getProtocol()).toBe('TLSv1.3');
    expect(await handshake(kam.ports.tls, readFileSync(kam.pki.unknownCaCertPath, 'utf8'))).toMatch(/UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
  });

  it('answers OPTIONS over TLS, TCP and UDP', async () => {
    const c = await tls();
    const r = await c.request(buildRequest({ method: 'OPTIONS', uri: 'sip:pbx.test', client: c, from: '<sip:alice@pbx.test>', to: '<sip:pbx.test>', callId: sipToken(), cseq: 1 }));
    expect(r.status).toBe(200);
    const t = await SipStreamClient.connectTcp(kam.ports.tcp);
    clients.push(t);
    const rt = await t.request(buildRequest({ method: 'OPTIONS', uri: 'sip:pbx.test', client: t, from: '<sip:alice@pbx.test>', to: '<sip:pbx.test>', callId: sipToken(), cseq: 1 }));
    expect(rt.status).toBe(200);
    expect(await udpOptions(kam.ports.udp)).toBe('SIP/2.0 200 Keepalive');
  });

  it('challenges REGISTER over TLS with a 401 digest (realm pbx.test, qop=auth) and accepts the digest with 200 OK', async () => {
    const c = await tls();
    const { final, challenge } = await registerProbe(c, alice, { expires: 60 });
    expect(challenge?.status).toBe(401);
    expect(challenge?.header('www-authenticate')).toMatch(/^Digest .*realm="pbx\.test".*nonce="[^"]+".*qop="auth"/);
    expect(final.status).toBe(200);
    expect(final.header('contact')).toMatch(/expires=60/);
    // The wire log shows the authenticated REGISTER received over TLS.
    const logged = await kam.waitForSipMessage((e) => e.direction === 'in' && e.message.method === 'REGISTER' && e.message.header('authorization') !== undefined);
    expect(logged.proto).toBe('tls');
  });

  it('refuses a wrong password (challenged again, never 200) and unknown users', async () => {
    const c = await tls();
    expect((await registerProbe(c, { ...alice, password: 'wrong' })).final.status).toBe(401);
    expect((await registerProbe(c, { ...alice, user: 'mallory' })).final.status).toBe(401);
  });

  it('routes an authenticated INVITE to the callee over the TLS connection it registered on; ACK and BYE follow the dialog', async () => {
    const callee = await tls();
    // A Contact nobody listens on: only the registered TLS flow can reach bob.
    expect((await registerProbe(callee, bob, { contact: `<sip:bob@127.0.0.1:9;transport=tls>` })).final.status).toBe(200);
    const caller = await tls();
    const callId = sipToken();
    const offer = sdesSdp(40_000);
    const invite = requestWithAuth(
      caller,
      {
        method: 'INVITE',
        uri: 'sip:bob@pbx.test',
        client: caller,
        from: '<sip:alice@pbx.test>',
        to: '<sip:bob@pbx.test>',
        callId,
        cseq: 1,
        extraHeaders: [`Contact: <sip:alice@127.0.0.1:9;transport=tls>`],
        body: offer,
      },
      alice,
    );
    const incoming = await callee.nextMessage((m) => m.method === 'INVITE');
    expect(incoming.body).toContain('a=crypto:1 AES_CM_128_HMAC_SHA1_80');
    expect(incoming.header('record-route')).toBeDefined();
    callee.send(buildResponse(incoming, 180, 'Ringing', { toTag: 'bobtag', contact: '<sip:bob@127.0.0.1:9;transport=tls>' }));
    callee.send(buildResponse(incoming, 200, 'OK', { toTag: 'bobtag', contact: '<sip:bob@127.0.0.1:9;transport=tls>', body: sdesSdp(40_002) }));
    const { final, challenge, provisional } = await invite;
    expect(challenge?.status).toBe(407);
    expect(provisional.map((p) => p.status)).toContain(180);
    expect(final.status).toBe(200);
    const dialog = uacDialogFrom2xx(final);
    caller.send(buildInDialogRequest(caller, dialog, 'ACK', 2));
    expect((await callee.nextMessage((m) => m.method === 'ACK')).header('call-id')).toBe(callId);
    caller.send(buildInDialogRequest(caller, dialog, 'BYE', 3));
    const bye = await callee.nextMessage((m) => m.method === 'BYE');
    callee.send(buildResponse(bye, 200, 'OK'));
    expect((await caller.nextMessage((m) => m.status !== undefined && m.cseqMethod === 'BYE')).status).toBe(200);
    // The SDP on the wire, as logged by Kamailio, is SDES-SRTP on loopback.
    const sdp = await kam.waitForSipMessage((e) => e.direction === 'out' && e.message.method === 'INVITE' && e.message.header('call-id') === callId);
    expect(sdp.message.body).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    expect(sdp.message.body).toMatch(/^a=crypto:/m);
  });

  it('relays CANCEL before answer: the callee sees CANCEL and the caller gets 487', async () => {
    const callee = await tls();
    expect((await registerProbe(callee, bob, { contact: `<sip:bob@127.0.0.1:9;transport=tls>` })).final.status).toBe(200);
    const caller = await tls();
    const spec = { method: 'INVITE', uri: 'sip:bob@pbx.test', client: caller, from: '<sip:alice@pbx.test>', to: '<sip:bob@pbx.test>', callId: sipToken(), cseq: 1, body: sdesSdp(40_004) };
    const invite = requestWithAuth(caller, { ...spec, extraHeaders: ['Contact: <sip:alice@127.0.0.1:9;transport=tls>'] }, alice);
    const incoming = await callee.nextMessage((m) => m.method === 'INVITE' && m.header('call-id') === spec.callId);
    callee.send(buildResponse(incoming, 180, 'Ringing', { toTag: 'bt2' }));
    // CANCEL matches the pending INVITE (the authenticated retry) by its top Via: the caller's
    // Via as the callee sees it, minus what Kamailio added (received, rport value).
    const callerVia = (incoming.headers.get('via') ?? [])[1]?.replace(/;received=[^;]*/, '').replace(/;rport=\d+/, ';rport') ?? '';
    await new Promise((r) => setTimeout(r, 200)); // let the 180 reach the caller first
    caller.send(
      [
        `CANCEL sip:bob@pbx.test SIP/2.0`,
        `Via: ${callerVia}`,
        'Max-Forwards: 70',
        `From: ${incoming.header('from') ?? ''}`,
        `To: <sip:bob@pbx.test>`,
        `Call-ID: ${spec.callId}`,
        'CSeq: 2 CANCEL',
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
    );
    const cancel = await callee.nextMessage((m) => m.method === 'CANCEL');
    callee.send(buildResponse(cancel, 200, 'OK'));
    callee.send(buildResponse(incoming, 487, 'Request Terminated', { toTag: 'bt2' }));
    const { final, provisional } = await invite;
    expect(provisional.map((p) => p.status)).toContain(180);
    expect(final.status).toBe(487);
  });

  it('restarts on the same ports, forgets registrations (memory only), and keeps the earlier message log', async () => {
    const before = { ...kam.ports };
    const logged = kam.readSipLog().length;
    const oldPid = kam.pid;
    await kam.restart();
    expect(kam.ports).toEqual(before);
    expect(kam.pid).not.toBe(oldPid);
    const c = await tls();
    const invite = await requestWithAuth(
      c,
      { method: 'INVITE', uri: 'sip:bob@pbx.test', client: c, from: '<sip:alice@pbx.test>', to: '<sip:bob@pbx.test>', callId: sipToken(), cseq: 1, body: sdesSdp(40_006) },
      alice,
    );
    expect(invite.final.status).toBe(404);
    expect(kam.readSipLog().length).toBeGreaterThan(logged);
  });

  it('presents each bad certificate on request, and a verifying client refuses each with the expected error', async () => {
    const expected: Record<Exclude<ServerCertificateKind, 'good'>, RegExp> = {
      expired: /CERT_HAS_EXPIRED/,
      wrongHost: /ERR_TLS_CERT_ALTNAME_INVALID/,
      selfSigned: /DEPTH_ZERO_SELF_SIGNED_CERT/,
      unknownCa: /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT|UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    };
    for (const [kind, error] of Object.entries(expected) as [ServerCertificateKind, RegExp][]) {
      await kam.restart({ certificate: kind });
      expect({ kind, result: await handshake(kam.ports.tls, kam.caCertPem) }).toEqual({ kind, result: expect.stringMatching(error) });
    }
    await kam.restart({ certificate: 'good' });
    expect(await handshake(kam.ports.tls, kam.caCertPem)).toBe('ok');
  });

  it('stops without leaving a process behind', async () => {
    const pid = kam.pid;
    await kam.stop();
    expect(socketsOfProcessGroup(pid)).toEqual([]);
    assertNoLivePeers();
  });
});

// Skips only where Kamailio is missing (requirePeers prints which); under CI=true requirePeers throws instead.
describe.skipIf(!peers.available)('Kamailio harness options: [::1], TLS 1.2 only, client certificates required', () => {
  const scope = useHarnessScope('kamailio-options');
  let kam: Kamailio;

  beforeAll(async () => {
    kam = await startKamailio({ scope: scope(), users: [alice], ipv6: true, tlsMethod: 'TLSv1.2', requireClientCertificate: true });
  });

  const clientCert = (): { cert: string; key: string } => ({ cert: readFileSync(kam.pki.client.certPath, 'utf8'), key: readFileSync(kam.pki.client.keyPath, 'utf8') });

  it('serves TLS 1.2 on [::1] to a client with a certificate from the harness CA, and registers', async () => {
    const c = await SipStreamClient.connectTls(kam.ports.tls, { host: '::1', ca: kam.caCertPem, servername: 'pbx.test', ...clientCert() });
    try {
      expect((c.socket as TLSSocket).getProtocol()).toBe('TLSv1.2');
      expect((await registerProbe(c, alice)).final.status).toBe(200);
    } finally {
      await c.close();
    }
    expect(socketsOfProcessGroup(kam.pid).filter((s) => s.listening).map((s) => s.address)).toEqual(expect.arrayContaining(['127.0.0.1', '::1']));
  });

  it('refuses a client without a certificate', async () => {
    const attempt = (async (): Promise<string> => {
      const c = await SipStreamClient.connectTls(kam.ports.tls, { ca: kam.caCertPem, servername: 'pbx.test' });
      try {
        const r = await c.request(buildRequest({ method: 'OPTIONS', uri: 'sip:pbx.test', client: c, from: '<sip:alice@pbx.test>', to: '<sip:pbx.test>', callId: sipToken(), cseq: 1 }), 3000);
        return `answered ${r.status ?? '?'}`;
      } finally {
        await c.close();
      }
    })();
    await expect(attempt).rejects.toThrow(/certificate required|alert|ended|reset|closed/i);
  });

  it('fails the handshake with a client that requires TLS 1.3', async () => {
    const result = await new Promise<string>((resolve) => {
      const s = tlsConnect({ host: '127.0.0.1', port: kam.ports.tls, ca: kam.caCertPem, servername: 'pbx.test', minVersion: 'TLSv1.3', ...clientCert() });
      s.once('secureConnect', () => {
        s.destroy();
        resolve('ok');
      });
      s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    expect(result).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION|ECONNRESET/);
  });
});
