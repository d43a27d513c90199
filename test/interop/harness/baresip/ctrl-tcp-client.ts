/**
 * Client for baresip's `ctrl_tcp` module (baresip 1.0): a TCP connection carrying netstrings
 * (`<length>:<bytes>,`) of JSON. Commands go out as `{"command": "dial", "params": "sip:...",
 * "token": "7"}`; baresip answers `{"response": true, "ok": true|false, "data": "...", "token": "7"}`
 * and pushes events `{"event": true, "type": "CALL_ESTABLISHED", "class": "call", "id": "...",
 * "peeruri": "...", "param": "..."}` to every connected client.
 */
import { connect, type Socket } from 'node:net';

export interface BaresipEvent {
  /** e.g. REGISTER_OK, CALL_INCOMING, CALL_RINGING, CALL_ESTABLISHED, CALL_MENC, CALL_CLOSED, CALL_DTMF_START. */
  readonly type: string;
  readonly class?: string;
  readonly accountaor?: string;
  readonly direction?: string;
  readonly peeruri?: string;
  /** Call id (baresip's), when the event is about a call. */
  readonly id?: string;
  readonly param?: string;
  /** When the harness received it (ms since epoch). */
  readonly receivedAt: number;
  readonly raw: Readonly<Record<string, unknown>>;
}

export interface CtrlResponse {
  readonly ok: boolean;
  readonly data: string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class CtrlTcpClient {
  readonly events: BaresipEvent[] = [];
  private buffer = Buffer.alloc(0);
  private nextToken = 1;
  private readonly pending = new Map<string, { resolve: (r: CtrlResponse) => void; reject: (e: Error) => void }>();
  private closed: Error | undefined;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.drain();
    });
    const fail = (e: Error): void => {
      this.closed ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('ctrl_tcp connection closed')));
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<CtrlTcpClient> {
    const socket = connect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    return new CtrlTcpClient(socket);
  }

  /** Sends a long-form menu command (`dial`, `accept`, `hangup`, `sndcode`, `reginfo`, ...). */
  command(command: string, params = '', timeoutMs = 5000): Promise<CtrlResponse> {
    if (this.closed !== undefined) return Promise.reject(this.closed);
    const token = String(this.nextToken++);
    const json = Buffer.from(JSON.stringify({ command, params, token }), 'utf8');
    this.socket.write(Buffer.concat([Buffer.from(`${json.length}:`), json, Buffer.from(',')]));
    return new Promise<CtrlResponse>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(token);
        reject(new Error(`baresip did not answer '${command}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(token, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /**
   * Waits for an event of `type` (optionally matching `predicate`) received at or after index
   * `fromIndex` of `events` (default: any, including ones already received).
   */
  async waitForEvent(type: string, options: { timeoutMs?: number; fromIndex?: number; predicate?: (e: BaresipEvent) => boolean } = {}): Promise<BaresipEvent> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const hit = this.events.slice(options.fromIndex ?? 0).find((e) => e.type === type && (options.predicate?.(e) ?? true));
      if (hit !== undefined) return hit;
      if (this.closed !== undefined) throw new Error(`ctrl_tcp closed while waiting for ${type}: ${this.closed.message}`);
      if (Date.now() > deadline) {
        throw new Error(`no baresip event ${type} within ${options.timeoutMs ?? 10_000} ms; got: ${this.events.map((e) => e.type).join(', ') || 'none'}`);
      }
      await sleep(20);
    }
  }

  /** Waits until `count` events of `type` arrived at or after `fromIndex`; returns them. */
  async waitForEvents(type: string, count: number, options: { timeoutMs?: number; fromIndex?: number } = {}): Promise<BaresipEvent[]> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    for (;;) {
      const hits = this.events.slice(options.fromIndex ?? 0).filter((e) => e.type === type);
      if (hits.length >= count) return hits.slice(0, count);
      if (this.closed !== undefined) throw new Error(`ctrl_tcp closed while waiting for ${count} x ${type}: ${this.closed.message}`);
      if (Date.now() > deadline) throw new Error(`only ${hits.length} of ${count} baresip ${type} events within ${options.timeoutMs ?? 10_000} ms`);
      await sleep(20);
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private drain(): void {
    for (;;) {
      const colon = this.buffer.indexOf(':');
      if (colon < 0) return;
      const length = Number(this.buffer.subarray(0, colon).toString('ascii'));
      if (!Number.isInteger(length)) {
        this.socket.destroy(new Error(`bad netstring from baresip: ${this.buffer.subarray(0, 40).toString()}`));
        return;
      }
      if (this.buffer.length < colon + 1 + length + 1) return;
      const payload = this.buffer.subarray(colon + 1, colon + 1 + length).toString('utf8');
      this.buffer = this.buffer.subarray(colon + 1 + length + 1);
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(payload) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (msg.response === true) {
        const token = typeof msg.token === 'string' ? msg.token : '';
        const p = this.pending.get(token);
        this.pending.delete(token);
        p?.resolve({ ok: msg.ok === true, data: typeof msg.data === 'string' ? msg.data : '' });
      } else if (msg.event === true) {
        const str = (k: string): string | undefined => (typeof msg[k] === 'string' ? msg[k] : undefined);
        const optional = (k: string): Record<string, string> => {
          const v = str(k);
          return v === undefined ? {} : { [k]: v };
        };
        this.events.push({
          type: str('type') ?? '',
          ...optional('class'),
          ...optional('accountaor'),
          ...optional('direction'),
          ...optional('peeruri'),
          ...optional('id'),
          ...optional('param'),
          receivedAt: Date.now(),
          raw: msg,
        });
      }
    }
  }
}
