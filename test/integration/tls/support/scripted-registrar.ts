/**
 * A registrar on loopback whose every answer the test scripts (issue 15: a hostile or broken PBX).
 * Over TLS (test PKI) or TCP it frames what arrives with the protocol's own stream framer, answers
 * CRLF pings with a pong, and hands each request to `script` with helpers to answer it; over UDP it
 * does the same per datagram. By default a REGISTER gets 200 OK with its Contact and expiry, and
 * Via `received`/`rport` set to where the request came from (RFC 3581 §4).
 */
import * as dgram from 'node:dgram';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { SipStreamFramer } from '../../../../src-main/protocol/sip/message/stream-framer.js';
import type { ServerCredentials } from '../../../fixtures/pki/test-pki.js';

/** One request as the registrar saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly text: string;
  /** First value of a header (case-insensitive name, compact forms not expanded). */
  header(name: string): string | undefined;
}

export interface RegistrarConnection {
  readonly index: number;
  readonly requests: SeenRequest[];
  /** Bytes written towards the phone. */
  write(bytes: string | Buffer): void;
  /** Whether the phone closed (or reset) this connection. */
  readonly closed: boolean;
  readonly remote: { readonly address: string; readonly port: number };
}

export interface Reply {
  /** Answers with `status` (default 200 OK, with Contact;expires for REGISTER). */
  answer(status?: number, options?: { reason?: string; via?: string; headers?: string; contentLength?: string }): void;
}

export type Script = (request: SeenRequest, connection: RegistrarConnection, reply: Reply) => void;

export interface ScriptedRegistrar {
  readonly port: number;
  readonly connections: RegistrarConnection[];
  /** 200 OKs sent to REGISTERs, per connection index. */
  readonly registered: number[];
  script: Script;
  close(): Promise<void>;
}

export const defaultScript: Script = (_req, _conn, reply) => reply.answer();

function seen(text: string): SeenRequest {
  const method = /^([A-Z]+) /.exec(text)?.[1] ?? '';
  return {
    method,
    text,
    header: (name) => new RegExp(`^${name}[ \\t]*:[ \\t]*([^\\r\\n]*)`, 'im').exec(text)?.[1]?.trim(),
  };
}

/** The response text for `req` coming from `from`. */
export function responseText(req: SeenRequest, from: { address: string; port: number }, status = 200, o: { reason?: string; via?: string; headers?: string; contentLength?: string } = {}): string {
  const topVia = (req.header('via') ?? '').split(',')[0]!.trim();
  const via = o.via ?? `${topVia.replace(/;rport(?==|;|$)(=\d+)?/, '').replace(/;received=[^;]*/, '')};received=${from.address};rport=${from.port}`;
  const to = req.header('to') ?? '';
  const lines = [
    `SIP/2.0 ${status} ${o.reason ?? (status === 200 ? 'OK' : 'Scripted')}`,
    `Via: ${via}`,
    `From: ${req.header('from') ?? ''}`,
    `To: ${/;tag=/.test(to) ? to : `${to};tag=reg1`}`,
    `Call-ID: ${req.header('call-id') ?? ''}`,
    `CSeq: ${req.header('cseq') ?? ''}`,
  ];
  if (req.method === 'REGISTER' && status === 200) {
    const expires = req.header('expires') ?? '600';
    const contact = req.header('contact');
    if (contact !== undefined && expires !== '0') lines.push(`Contact: ${contact.replace(/;expires=\d+/, '')};expires=${expires}`);
    lines.push(`Expires: ${expires}`);
  }
  if (o.headers !== undefined) lines.push(o.headers);
  lines.push(`Content-Length: ${o.contentLength ?? '0'}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

/** A TLS (credentials given) or TCP registrar on 127.0.0.1. */
export async function startStreamRegistrar(o: { credentials?: ServerCredentials; script?: Script } = {}): Promise<ScriptedRegistrar> {
  const connections: RegistrarConnection[] = [];
  const registered: number[] = [];
  const sockets = new Set<net.Socket>();
  const registrar = { script: o.script ?? defaultScript };
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    const index = connections.length;
    const framer = new SipStreamFramer();
    let closed = false;
    const conn: RegistrarConnection = {
      index,
      requests: [],
      write: (b) => {
        if (!socket.destroyed) socket.write(b);
      },
      get closed() {
        return closed;
      },
      remote: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    };
    registered[index] = 0;
    connections.push(conn);
    socket.on('close', () => {
      closed = true;
      sockets.delete(socket);
    });
    socket.on('data', (chunk: Buffer) => {
      for (const ev of framer.push(chunk)) {
        if (ev.kind === 'ping') conn.write('\r\n');
        if (ev.kind !== 'message') continue;
        const text = ev.bytes.toString('latin1');
        if (text.startsWith('SIP/2.0')) continue; // the phone's answer to something we sent
        const req = seen(text);
        conn.requests.push(req);
        registrar.script(req, conn, {
          answer: (status = 200, opts = {}) => {
            if (req.method === 'REGISTER' && status === 200 && opts.contentLength === undefined) registered[index]!++;
            conn.write(responseText(req, conn.remote, status, opts));
          },
        });
      }
    });
  };
  const server = o.credentials === undefined ? net.createServer(onSocket) : tls.createServer({ key: o.credentials.keyPem, cert: o.credentials.certChainPem }, onSocket);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    connections,
    registered,
    get script() {
      return registrar.script;
    },
    set script(s: Script) {
      registrar.script = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface UdpRegistrar extends ScriptedRegistrar {
  /** Every request datagram with where it came from. */
  readonly datagrams: { readonly request: SeenRequest; readonly from: { address: string; port: number } }[];
  /** Every response the phone sent to the registrar (to requests the test sent with `send`). */
  readonly responses: string[];
  /** Sends a datagram from the registrar's socket. */
  send(text: string, to: { address: string; port: number }): void;
}

/** A UDP registrar on 127.0.0.1: one "connection" (index 0) per phone address, every request scripted. */
export async function startUdpRegistrar(o: { script?: Script } = {}): Promise<UdpRegistrar> {
  const socket = dgram.createSocket('udp4');
  const connections: RegistrarConnection[] = [];
  const registered: number[] = [];
  const datagrams: { request: SeenRequest; from: { address: string; port: number } }[] = [];
  const registrar = { script: o.script ?? defaultScript };
  const responses: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    if (text.startsWith('SIP/2.0')) responses.push(text);
    if (text.startsWith('SIP/2.0') || text.trim() === '') return;
    const from = { address: rinfo.address, port: rinfo.port };
    let conn = connections.find((c) => c.remote.address === from.address && c.remote.port === from.port);
    if (conn === undefined) {
      const index = connections.length;
      registered[index] = 0;
      conn = { index, requests: [], write: (b) => socket.send(typeof b === 'string' ? Buffer.from(b, 'latin1') : b, from.port, from.address), closed: false, remote: from };
      connections.push(conn);
    }
    const req = seen(text);
    conn.requests.push(req);
    datagrams.push({ request: req, from });
    const c = conn;
    registrar.script(req, c, {
      answer: (status = 200, opts = {}) => {
        if (req.method === 'REGISTER' && status === 200) registered[c.index]!++;
        c.write(responseText(req, from, status, opts));
      },
    });
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: socket.address().port,
    connections,
    registered,
    datagrams,
    responses,
    send: (text, to) => socket.send(Buffer.from(text, 'latin1'), to.port, to.address),
    get script() {
      return registrar.script;
    },
    set script(s: Script) {
      registrar.script = s;
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
