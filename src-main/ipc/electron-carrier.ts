import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { DisposableStore, toDisposable, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import type { IpcEnvelope } from '../../src-shared/ipc/errors.js';
import type { IpcDispatcher } from './dispatcher.js';
import { problem } from '../services/problems/problem-catalog.js';

/** Decides whether a frame is the app's own renderer (origin and top-level frame). */
export interface SenderPolicy {
  isTrustedFrame(frame: { readonly url: string; readonly parent: unknown } | null | undefined): boolean;
}

/**
 * The renderer is trusted only when the message comes from the top-level frame and that frame
 * shows the app's own page: the packaged `file://…/renderer/index.html`, or in development the
 * dev server's origin.
 */
export function createSenderPolicy(allowed: { readonly fileUrl?: string; readonly devOrigin?: string }): SenderPolicy {
  return {
    isTrustedFrame(frame) {
      if (frame === null || frame === undefined || frame.parent !== null) return false;
      let url: URL;
      try {
        url = new URL(frame.url);
      } catch {
        return false;
      }
      if (allowed.fileUrl !== undefined && url.protocol === 'file:') {
        const expected = new URL(allowed.fileUrl);
        return url.pathname === expected.pathname;
      }
      if (allowed.devOrigin !== undefined) return url.origin === new URL(allowed.devOrigin).origin;
      return false;
    },
  };
}

/**
 * The Electron carrier: one `ipcMain.handle` per request channel of the contract, events sent to
 * every trusted window. The sender frame is checked before the dispatcher sees the payload.
 */
export function attachElectronCarrier(options: {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  readonly dispatcher: IpcDispatcher;
  readonly policy: SenderPolicy;
  readonly targets: () => readonly WebContents[];
  readonly logger: Logger;
}): Disposable {
  const { ipcMain, dispatcher, policy, logger } = options;
  const store = new DisposableStore();
  for (const channel of dispatcher.requestChannels) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, payload: unknown): Promise<IpcEnvelope<unknown>> => {
      if (!policy.isTrustedFrame(event.senderFrame)) {
        logger.warn('IPC from an untrusted frame refused', { channel, url: event.senderFrame?.url ?? null });
        return { ok: false, error: problem('forbidden-sender') };
      }
      return dispatcher.dispatch(channel, payload, { carrier: 'electron', senderId: String(event.sender.id) });
    });
    store.add(toDisposable(() => ipcMain.removeHandler(channel)));
  }
  store.add(
    dispatcher.forwardEvents((channel, payload) => {
      for (const wc of options.targets()) {
        if (!wc.isDestroyed() && policy.isTrustedFrame(wc.mainFrame)) wc.send(channel, payload);
      }
    }),
  );
  return store;
}
