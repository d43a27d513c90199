/**
 * A minimal hand-written SIP client over TCP or TLS for harness tests and readiness probes:
 * writes request text, frames what comes back by Content-Length (RFC 3261 §18.3), and matches
 * responses to requests by Call-ID and CSeq. It is a probe, not a user agent: no transactions,
 * no retransmissions, no dialogs.
 */
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { parseLiteSipMessage, type LiteSipMessage } from './sip-log.js';

export interface ReceivedSipMessage extends LiteSipMessage {
  readonly raw: string;
}

export interface TlsConnectOptions {
  /** PEM of the CA(s) to trust. */
  readonly ca: string | readonly string[];
  /** SNI and the name checked against the certificate; default: no SNI, check the IP. */
  readonly servername?: string;
  /** Client certificate and key (PEM) for servers that require one. */
  readonly cert?: string;
  readonly key?: string;
  readonly host?: string;
  readonly minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class SipStreamClient {
  private buffer = Buffer.alloc(0);
  private readonly queue: ReceivedSipMessage[] = [];
  private closedError: Error | undefined;

  private constructor(
    readonly socket: Socket | TLSSocket,
    readonly transport: 'tcp' | 'tls',
  ) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.frame();
    });
    socket.on('error', (e) => (this.closedError ??= e));
    socket.on('close', () => (this.closedError ??= new Error('connection closed')));
  }

  /** Plain TCP to host:port (default 127.0.0.1). */
  static async connectTcp(port: number, host = '127.0.0.1'): Promise<SipStreamClient> {
    const socket = netConnect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new SipStreamClient(socket, 'tcp');
  }

  /** TLS to host:port, verifying the server against `ca` (rejects on any verification error). */
  static async connectTls(port: number, options: TlsConnectOptions): Promise<SipStreamClient> {
    const socket = tlsConnect({
      host: options.host ?? '127.0.0.1',
      port,
      ca: typeof options.ca === 'string' ? options.ca : [...options.ca],
      ...(options.servername !== undefined ? { servername: options.servername } : {}),
      ...(options.cert !== undefined ? { cert: options.cert } : {}),
      ...(options.key !== undefined ? { key: options.key } : {}),
      minVersion: options.minVersion ?? 'TLSv1.2',
      rejectUnauthorized: true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', resolve);
      socket.once('error', reject);
    });
    return new SipStreamClient(socket, 'tls');
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  get localAddress(): string {
    return this.socket.localAddress ?? '127.0.0.1';
  }

  /** `host:port` of this end for Via and Contact (IPv6 in brackets, RFC 3261 §25.1). */
  get sentBy(): string {
    const host = this.localAddress.includes(':') ? `[${this.localAddress}]` : this.localAddress;
    return `${host}:${this.localPort}`;
  }

  /** `SIP/2.0/TCP` or `SIP/2.0/TLS`. */
  get viaTransport(): string {
    return this.transport === 'tls' ? 'SIP/2.0/TLS' : 'SIP/2.0/TCP';
  }

  send(text: string): void {
    this.socket.write(text);
  }

  /** The next message (optionally the next one matching `predicate`; others are left queued). */
  async nextMessage(predicate: (m: ReceivedSipMessage) => boolean = () => true, timeoutMs = 5000): Promise<ReceivedSipMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.queue.findIndex(predicate);
      if (i >= 0) return this.queue.splice(i, 1)[0]!;
      if (this.closedError !== undefined) throw new Error(`SIP connection ended while waiting: ${this.closedError.message}`);
      if (Date.now() > deadline) {
        throw new Error(`no matching SIP message within ${timeoutMs} ms; queued: ${this.queue.map((m) => m.startLine).join(' | ') || 'none'}`);
      }
      await sleep(10);
    }
  }

  /**
   * Sends a request and returns its final response (>= 200), skipping provisional ones, matched
   * by Call-ID and CSeq. Set `provisional` to also collect 1xx.
   */
  async request(text: string, timeoutMs = 5000, provisional?: ReceivedSipMessage[]): Promise<ReceivedSipMessage> {
    const sent = parseLiteSipMessage(text);
    const callId = sent.header('call-id');
    const cseq = sent.header('cseq');
    this.send(text);
    for (;;) {
      const r = await this.nextMessage((m) => m.status !== undefined && m.header('call-id') === callId && m.header('cseq') === cseq, timeoutMs);
      if ((r.status ?? 0) >= 200) return r;
      provisional?.push(r);
    }
  }

  async close(): Promise<void> {
    if (this.socket.destroyed) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 500).unref();
    });
  }

  private frame(): void {
    for (;;) {
      // RFC 5626 keep-alive CRLFs between messages.
      while (this.buffer.length >= 2 && this.buffer[0] === 0x0d && this.buffer[1] === 0x0a) this.buffer = this.buffer.subarray(2);
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString('utf8');
      const cl = /^(?:content-length|l)\s*:\s*(\d+)\s*$/im.exec(head);
      const bodyLength = cl === null ? 0 : Number(cl[1]);
      const total = end + 4 + bodyLength;
      if (this.buffer.length < total) return;
      const raw = this.buffer.subarray(0, total).toString('utf8');
      this.buffer = this.buffer.subarray(total);
      this.queue.push({ ...parseLiteSipMessage(raw), raw });
    }
  }
}

/** Random token for branch, tag and Call-ID values. */
export function sipToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

export interface RequestSpec {
  readonly method: string;
  readonly uri: string;
  /** The client's view of itself for Via/Contact. */
  readonly client: SipStreamClient;
  readonly from: string;
  readonly to: string;
  readonly callId: string;
  readonly cseq: number;
  readonly fromTag?: string;
  readonly toTag?: string;
  readonly extraHeaders?: readonly string[];
  readonly body?: string;
  readonly contentType?: string;
  readonly branch?: string;
}

/** Builds request text with the mandatory headers (RFC 3261 §8.1.1). */
export function buildRequest(spec: RequestSpec): string {
  const body = spec.body ?? '';
  const lines = [
    `${spec.method} ${spec.uri} SIP/2.0`,
    `Via: ${spec.client.viaTransport} ${spec.client.sentBy};rport;branch=z9hG4bK${spec.branch ?? sipToken()}`,
    `Max-Forwards: 70`,
    `From: ${spec.from};tag=${spec.fromTag ?? sipToken(4)}`,
    `To: ${spec.to}${spec.toTag !== undefined ? `;tag=${spec.toTag}` : ''}`,
    `Call-ID: ${spec.callId}`,
    `CSeq: ${spec.cseq} ${spec.method}`,
    ...(spec.extraHeaders ?? []),
    ...(body !== '' ? [`Content-Type: ${spec.contentType ?? 'application/sdp'}`] : []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}
