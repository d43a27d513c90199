import { describe, expect, it, vi } from 'vitest';
import * as v from 'valibot';
import { contract } from '../../src-shared/ipc/contract.js';
import { listChannels, request, type ContractShape } from '../../src-shared/ipc/define.js';
import { IPC_ERROR_CODES } from '../../src-shared/ipc/errors.js';
import { createLogger, MemorySink } from '../base/logger.js';
import { err } from '../base/result.js';
import { problem } from '../services/problems/problem-catalog.js';
import { createTestPhone } from '../../test/support/test-phone.js';
import { createBindings } from './bindings.js';
import type { Bindings } from './bindings-types.js';
import { IpcDispatcher } from './dispatcher.js';

const exposed: Record<string, unknown> = {};
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: vi.fn((name: string, api: unknown) => (exposed[name] = api)) },
  ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
}));

const services = () => createTestPhone({ version: '1.2.3' });

describe('IPC contract completeness', () => {
  it('every channel has a unique wire name and a summary', () => {
    const entries = listChannels(contract);
    expect(entries.length).toBeGreaterThan(0);
    expect(new Set(entries.map((e) => e.channel)).size).toBe(entries.length);
    for (const e of entries) expect(e.spec.summary.length).toBeGreaterThan(10);
  });

  it('every request channel has a main-side handler and every event channel a source', async () => {
    const s = await services();
    const bindings = createBindings(s) as unknown as { requests: Record<string, Record<string, unknown>>; events: Record<string, Record<string, unknown>> };
    for (const e of listChannels(contract)) {
      const bound = e.kind === 'request' ? bindings.requests[e.domain]?.[e.name] : bindings.events[e.domain]?.[e.name];
      expect(typeof bound, `${e.channel} is not bound in src-main/ipc/bindings.ts`).toBe('function');
    }
    s.dispose();
  });

  it('the preload exposes exactly one API object with a binding for every channel', async () => {
    await import('../preload/index.js');
    expect(Object.keys(exposed)).toEqual(['softphone']);
    const api = exposed.softphone as { requests: Record<string, Record<string, unknown>>; events: Record<string, Record<string, unknown>> };
    expect(Object.isFrozen(api)).toBe(true);
    for (const e of listChannels(contract)) {
      const group = e.kind === 'request' ? api.requests : api.events;
      expect(typeof group[e.domain]?.[e.name], `${e.channel} missing from the preload API`).toBe('function');
    }
    const count = (g: Record<string, Record<string, unknown>>): number => Object.values(g).reduce((n, d) => n + Object.keys(d).length, 0);
    expect(count(api.requests) + count(api.events)).toBe(listChannels(contract).length);
  });

  it('the dispatcher refuses to start when a channel of the contract has no handler', () => {
    const extended = {
      requests: { ...contract.requests, extra: { added: request(v.object({}), v.object({}), 'A channel nobody implemented yet.') } },
      events: contract.events,
    } satisfies ContractShape;
    const partial = { requests: { extra: {} }, events: {} } as unknown as Bindings<typeof extended>;
    expect(() => new IpcDispatcher(extended, partial, createLogger({ sinks: [] }))).toThrow(/no handler bound for rpc:/);
  });

  it('error codes are a closed list', () => {
    expect(IPC_ERROR_CODES).toContain('invalid-payload');
    expect(new Set(IPC_ERROR_CODES).size).toBe(IPC_ERROR_CODES.length);
  });
});

describe('IpcDispatcher', () => {
  it('rejects a payload that breaks the schema with a typed error and never calls the handler', async () => {
    const s = await services();
    const update = vi.spyOn(s.settings, 'update');
    const sink = new MemorySink();
    const d = new IpcDispatcher(contract, createBindings(s), createLogger({ sinks: [sink] }));
    const r = await d.dispatch('rpc:settings.update', { theme: 'purple' }, { carrier: 'electron', senderId: '1' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const r2 = await d.dispatch('rpc:settings.update', { theme: 'dark', evil: true }, { carrier: 'electron', senderId: '1' });
    expect(r2).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(update).not.toHaveBeenCalled();
    expect(sink.records.some((rec) => rec.message.includes('rejected by schema'))).toBe(true);
    s.dispose();
  });

  it('answers unknown channels and handler bugs with typed errors, service failures with their code, words and fix', async () => {
    const s = await services();
    const d = new IpcDispatcher(contract, createBindings(s), createLogger({ sinks: [] }));
    const ctx = { carrier: 'electron', senderId: '1' } as const;
    expect(await d.dispatch('rpc:nope', {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await d.dispatch(42, {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(await d.dispatch('rpc:dialer.openUri', { uri: 'http://x' }, ctx)).toMatchObject({ ok: false, error: { code: 'invalid-target', message: expect.stringContaining('not a number or SIP address'), hint: expect.any(String) } });
    expect(await d.dispatch('rpc:calls.hangup', { callId: 'c99' }, ctx)).toMatchObject({ ok: false, error: { code: 'not-found' } });
    vi.spyOn(s.app, 'getInfo').mockImplementation(() => {
      throw new Error('secret internals');
    });
    const bug = await d.dispatch('rpc:app.getInfo', {}, ctx);
    expect(bug).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(bug)).not.toContain('secret internals');
    s.dispose();
  });

  it('a response or event that breaks its schema never leaves main (and unknown fields are dropped)', async () => {
    const s = await services();
    const sink = new MemorySink();
    const d = new IpcDispatcher(contract, createBindings(s), createLogger({ sinks: [sink] }));
    const ctx = { carrier: 'electron', senderId: '1' } as const;
    const info = s.app.getInfo();
    vi.spyOn(s.app, 'getInfo').mockReturnValue({ ...info, password: 'hunter2' } as never);
    const r = await d.dispatch('rpc:app.getInfo', {}, ctx);
    expect(r.ok).toBe(true);
    expect(JSON.stringify(r)).not.toContain('hunter2');
    vi.spyOn(s.app, 'getInfo').mockReturnValue({ ...info, version: 42 } as never);
    expect(await d.dispatch('rpc:app.getInfo', {}, ctx)).toMatchObject({ ok: false, error: { code: 'internal' } });
    vi.spyOn(s.calls, 'hangup').mockReturnValue(err(problem('call-not-connected')));
    expect(await d.dispatch('rpc:calls.hangup', { callId: 'c1' }, ctx)).toMatchObject({ ok: false, error: { code: 'call-not-connected', message: 'The call is not connected.' } });
    expect(sink.records.some((rec) => rec.message.includes('does not match its schema'))).toBe(true);
    s.dispose();
  });
});
