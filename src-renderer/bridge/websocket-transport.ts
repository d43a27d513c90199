import type { ClientTransport } from '../../src-shared/ipc/client';
import type { IpcEnvelope } from '../../src-shared/ipc/errors';

type ServerFrame = { t: 'res'; id: number | null; r: IpcEnvelope<unknown> } | { t: 'evt'; ch: string; p: unknown };

/**
 * The renderer's side of the loopback WebSocket carrier (see src-main/ipc/websocket-bridge.ts).
 * Frames: {t:'req', id, ch, p} out; {t:'res', id, r} and {t:'evt', ch, p} in.
 */
export function connectWebSocketTransport(url: string): Promise<ClientTransport> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    let nextId = 1;
    const pending = new Map<number, (env: IpcEnvelope<unknown>) => void>();
    const listeners = new Map<string, Set<(payload: unknown) => void>>();

    const failAll = (message: string): void => {
      for (const done of pending.values()) done({ ok: false, error: { code: 'unavailable', message, hint: 'Reload the page, or restart `npm run web`.' } });
      pending.clear();
    };

    ws.addEventListener('message', (ev: MessageEvent<string>) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(ev.data) as ServerFrame;
      } catch {
        return;
      }
      if (frame.t === 'res' && frame.id !== null) {
        const done = pending.get(frame.id);
        pending.delete(frame.id);
        done?.(frame.r);
      } else if (frame.t === 'evt') {
        for (const l of listeners.get(frame.ch) ?? []) l(frame.p);
      }
    });
    ws.addEventListener('close', () => failAll('The connection to the softphone service was lost.'));
    ws.addEventListener('error', () => reject(new Error('Could not connect to the softphone service.')));
    ws.addEventListener('open', () =>
      resolve({
        invoke(channel, payload) {
          if (ws.readyState !== WebSocket.OPEN) {
            return Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'Not connected to the softphone service.', hint: 'Reload the page, or restart `npm run web`.' } });
          }
          const id = nextId++;
          return new Promise((done) => {
            pending.set(id, done);
            ws.send(JSON.stringify({ t: 'req', id, ch: channel, p: payload }));
          });
        },
        subscribe(channel, listener) {
          let set = listeners.get(channel);
          if (set === undefined) listeners.set(channel, (set = new Set()));
          set.add(listener);
          return () => set.delete(listener);
        },
      }),
    );
  });
}
