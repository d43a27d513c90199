/**
 * A scripted PBX on loopback for hostile-peer tests (issue 15): a real `node:tls` server with the
 * test PKI that frames SIP by Content-Length (RFC 3261 §18.3), records every message the phone
 * sends, answers REGISTER with whatever the test scripts (e.g. the largest expires the grammar
 * allows), and can send requests (INVITEs) down the phone's own flow. Hand-written text, not our
 * stack, so the phone is tested against bytes it did not produce.
 */
import { randomBytes } from 'node:crypto';
import * as tls from 'node:tls';
import type { ServerCredentials } from '../../../fixtures/pki/test-pki.js';
import { parseLiteSipMessage, type LiteSipMessage } from '../../../interop/harness/sip-log.js';

export interface PbxMessage extends LiteSipMessage {
  readonly raw: string;
  readonly at: number;
}

export interface ScriptedPbx {
  readonly port: number;
  /** Every message the phone sent, in order. */
  readonly received: PbxMessage[];
  /** How REGISTER is answered: the status (default 200), the Contact `expires` text of a 2xx, extra header lines. */
  registerAnswer: { status?: number; contactExpires?: string; headers?: string[] };
  /** Answers requests other than REGISTER; return the response text, or undefined for none. */
  onRequest: ((m: PbxMessage) => string | undefined) | undefined;
  /** Writes raw SIP text down the phone's (latest) flow. */
  send(text: string): void;
  /** Resolves when `pred` holds for the messages received so far (bounded, with a clear failure). */
  waitFor(what: string, pred: (all: readonly PbxMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const CRLF = '\r\n';

/** A response to `req` (status line + the headers a response copies, §8.2.6.2), with a To tag. */
export function responseTo(req: LiteSipMessage, status: number, reason: string, extra: string[] = [], body = ''): string {
  const to = req.header('to') ?? '';
  const lines = [
    `SIP/2.0 ${status} ${reason}`,
    ...(req.headers.get('via') ?? []).map((v) => `Via: ${v}`),
    `From: ${req.header('from') ?? ''}`,
    `To: ${/;\s*tag=/i.test(to) ? to : `${to};tag=pbx${randomBytes(4).toString('hex')}`}`,
    `Call-ID: ${req.header('call-id') ?? ''}`,
    `CSeq: ${req.header('cseq') ?? ''}`,
    ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join(CRLF);
}

export async function startScriptedPbx(credentials: ServerCredentials): Promise<ScriptedPbx> {
  const sockets = new Set<tls.TLSSocket>();
  let latest: tls.TLSSocket | undefined;
  const received: PbxMessage[] = [];
  const waiters = new Set<() => void>();
  const pbx: ScriptedPbx = {
    port: 0,
    received,
    registerAnswer: {},
    onRequest: undefined,
    send: (text) => {
      if (latest === undefined) throw new Error('the phone has no flow to the PBX');
      latest.write(text);
    },
    waitFor: (what, pred, timeoutMs = 10_000) =>
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!pred(received)) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`PBX: timed out waiting for ${what}; received:\n${received.map((m) => m.startLine).join('\n')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const answer = (socket: tls.TLSSocket, m: PbxMessage): void => {
    if (m.method === 'REGISTER') {
      const contact = m.header('contact') ?? '';
      const expires = pbx.registerAnswer.contactExpires;
      const granted = expires === undefined ? contact : contact.replace(/;expires=[^;,]*/i, '') + `;expires=${expires}`;
      const status = pbx.registerAnswer.status ?? 200;
      const extra = pbx.registerAnswer.headers ?? [];
      socket.write(status < 300 ? responseTo(m, status, 'OK', [`Contact: ${granted}`, ...extra]) : responseTo(m, status, 'Service Unavailable', extra));
      return;
    }
    if (m.method === 'ACK' || m.method === undefined) return;
    const text = pbx.onRequest?.(m);
    if (text !== undefined) socket.write(text);
  };
  const server = tls.createServer({ key: credentials.keyPem, cert: credentials.certChainPem }, (socket) => {
    sockets.add(socket);
    latest = socket;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      for (;;) {
        // RFC 5626 §4.4.1 keep-alive ping: answer with a pong.
        while (buffer.startsWith(CRLF + CRLF)) {
          buffer = buffer.slice(4);
          socket.write(CRLF);
        }
        while (buffer.startsWith(CRLF)) buffer = buffer.slice(2);
        const end = buffer.indexOf(CRLF + CRLF);
        if (end < 0) return;
        const head = buffer.slice(0, end);
        const length = Number(/^(?:content-length|l)\s*:\s*(\d+)/im.exec(head)?.[1] ?? '0');
        if (buffer.length < end + 4 + length) return;
        const raw = buffer.slice(0, end + 4 + length);
        buffer = buffer.slice(end + 4 + length);
        const m: PbxMessage = Object.assign(parseLiteSipMessage(raw), { raw, at: Date.now() });
        received.push(m);
        answer(socket, m);
        for (const w of [...waiters]) w();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return Object.assign(pbx, { port: (server.address() as { port: number }).port });
}

/** An SDES-SRTP audio offer on loopback (RFC 4568): what a PBX would put in an INVITE. */
export function srtpOffer(rtpPort: number): string {
  const key = randomBytes(30).toString('base64');
  return [
    'v=0',
    'o=pbx 1 1 IN IP4 127.0.0.1',
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${rtpPort} RTP/SAVP 0 101`,
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${key}`,
    'a=sendrecv',
    '',
  ].join(CRLF);
}

/** An INVITE from the PBX to the phone's Contact, over the phone's flow (Via: our fake proxy). */
export function inviteText(n: number, toUri: string, opts: { sessionExpires?: string; body?: string } = {}): string {
  const body = opts.body ?? '';
  return [
    `INVITE ${toUri} SIP/2.0`,
    `Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKpbx${n}x${randomBytes(3).toString('hex')}`,
    'Max-Forwards: 70',
    `From: "Caller ${n}" <sip:caller${n}@pbx.test>;tag=c${n}`,
    `To: <${toUri}>`,
    `Call-ID: flood-${n}-${randomBytes(4).toString('hex')}@pbx.test`,
    'CSeq: 1 INVITE',
    `Contact: <sip:caller${n}@127.0.0.1:5061;transport=tls>`,
    'Supported: timer',
    ...(opts.sessionExpires === undefined ? [] : [`Session-Expires: ${opts.sessionExpires}`]),
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join(CRLF);
}
