import { contract } from '../../src-shared/ipc/contract';
import { createClientApi, type ClientTransport, type SoftphoneApi } from '../../src-shared/ipc/client';
import type { IpcErrorPayload } from '../../src-shared/ipc/errors';

type Handler = (payload: unknown) => unknown;

/**
 * The contract's real client over an in-memory carrier, for store and component tests: requests
 * go to `handlers` (by channel name, `accounts.list`), events are pushed with `emit`. A handler
 * that throws `{ code, message, hint }` answers with that error envelope.
 */
export function fakeApi(handlers: Record<string, Handler> = {}): { api: SoftphoneApi; calls: { channel: string; payload: unknown }[]; emit(channel: string, payload: unknown): void; handle(channel: string, h: Handler): void } {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const calls: { channel: string; payload: unknown }[] = [];
  const table = new Map(Object.entries(handlers));
  const transport: ClientTransport = {
    async invoke(channel, payload) {
      const name = channel.replace(/^rpc:/, '');
      calls.push({ channel: name, payload });
      const h = table.get(name);
      if (h === undefined) return { ok: false, error: { code: 'unavailable', message: `no fake for ${name}`, hint: null } };
      try {
        return { ok: true, value: await h(payload) };
      } catch (e) {
        return { ok: false, error: e as IpcErrorPayload };
      }
    },
    subscribe(channel, listener) {
      let set = listeners.get(channel);
      if (set === undefined) listeners.set(channel, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  };
  return {
    api: createClientApi(contract, transport),
    calls,
    emit: (channel, payload) => listeners.get(`evt:${channel}`)?.forEach((l) => l(payload)),
    handle: (channel, h) => void table.set(channel, h),
  };
}
