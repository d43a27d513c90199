/**
 * The contract as the renderer uses it, from a test: `softphone web` started as users start it
 * (`node out/cli/softphone.js web …`, its own process group, owned by the harness scope), and a
 * client built exactly as the renderer builds it — src-renderer/bridge/websocket-transport.ts and
 * src-shared/ipc/client.ts — over a Node WebSocket that sends the page's Origin. Every frame main
 * sends is kept verbatim, for the secrets check.
 */
import { join } from 'node:path';
import WsWebSocket from 'ws';
import { contract } from '../../../src-shared/ipc/contract.js';
import { createClientApi, type SoftphoneApi } from '../../../src-shared/ipc/client.js';
import { connectWebSocketTransport } from '../../../src-renderer/bridge/websocket-transport.js';
import { ManagedProcess } from '../../interop/harness/managed-process.js';
import type { HarnessScope } from '../../interop/harness/harness-scope.js';
import { ensureCliBuilt } from '../../interop/media/support/cli-build.js';

export interface WebFaceProcess {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly process: ManagedProcess;
}

export async function startWebFaceProcess(scope: HarnessScope, args: readonly string[]): Promise<WebFaceProcess> {
  const cli = await ensureCliBuilt();
  const p = ManagedProcess.spawn({ name: 'softphone-web', command: process.execPath, args: [cli, 'web', ...args], logPath: join(scope.dir, 'softphone-web.log'), cwd: scope.dir, graceMs: 5000 });
  scope.track(p);
  const m = await p.waitForOutput(/URL: (http:\/\/127\.0\.0\.1:\d+)\/#token=([A-Za-z0-9_%-]+)/, { timeoutMs: 20_000 });
  return { url: m[0].slice(5), origin: m[1]!, token: decodeURIComponent(m[2]!), process: p };
}

export interface ContractClient {
  readonly api: SoftphoneApi;
  /** Every text frame main sent on this connection, verbatim. */
  readonly frames: string[];
  /** Every event received, in order: [channel, payload]. */
  readonly events: [string, unknown][];
  /** Resolves with the first event on `channel` (from `fromIndex`) matching `pred`. */
  waitForEvent<T>(channel: string, pred: (payload: T) => boolean, timeoutMs?: number, fromIndex?: number): Promise<T>;
  close(): void;
}

export async function connectContractClient(face: WebFaceProcess, origin = face.origin): Promise<ContractClient> {
  const frames: string[] = [];
  const sockets: WsWebSocket[] = [];
  // The renderer calls `new WebSocket(url)`; a browser adds the page's Origin, this does the same.
  class PageWebSocket extends WsWebSocket {
    constructor(url: string) {
      super(url, { origin });
      sockets.push(this);
      this.on('message', (data: Buffer, isBinary: boolean) => {
        if (!isBinary) frames.push(data.toString('utf8'));
      });
    }
  }
  const previous = (globalThis as { WebSocket?: unknown }).WebSocket;
  (globalThis as { WebSocket?: unknown }).WebSocket = PageWebSocket;
  let transport;
  try {
    transport = await connectWebSocketTransport(`${face.origin.replace(/^http/, 'ws')}/ipc?token=${encodeURIComponent(face.token)}`);
  } finally {
    // The transport reads WebSocket.OPEN later on: leave a WebSocket class in place (Node 20 has none).
    (globalThis as { WebSocket?: unknown }).WebSocket = previous ?? WsWebSocket;
  }
  const api = createClientApi(contract, transport);
  const events: [string, unknown][] = [];
  const waiters = new Set<() => void>();
  for (const [domain, group] of Object.entries(api.events)) {
    for (const [name, subscribe] of Object.entries(group as Record<string, (l: (p: unknown) => void) => () => void>)) {
      subscribe((payload) => {
        events.push([`${domain}.${name}`, payload]);
        for (const w of [...waiters]) w();
      });
    }
  }
  return {
    api,
    frames,
    events,
    waitForEvent<T>(channel: string, pred: (payload: T) => boolean, timeoutMs = 15_000, fromIndex = 0): Promise<T> {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const hit = events.slice(fromIndex).find(([ch, p]) => ch === channel && pred(p as T));
          if (hit === undefined) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit[1] as T);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const seen = events.slice(fromIndex).filter(([ch]) => ch === channel).map(([, p]) => JSON.stringify(p).slice(0, 400));
          reject(new Error(`no matching ${channel} event within ${timeoutMs} ms; seen:\n${seen.slice(-8).join('\n')}`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => {
      for (const s of sockets) s.close();
    },
  };
}
