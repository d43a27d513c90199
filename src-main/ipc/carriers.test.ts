import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { contract } from '../../src-shared/ipc/contract.js';
import { createLogger } from '../base/logger.js';
import type { Phone } from '../services/phone/create-phone.js';
import { createTestPhone } from '../../test/support/test-phone.js';
import { createBindings } from './bindings.js';
import { DEFAULT_SETTINGS } from '../services/settings/settings-service.js';
import { IpcDispatcher } from './dispatcher.js';
import { attachElectronCarrier, createSenderPolicy } from './electron-carrier.js';
import { BRIDGE_CSP, cspForMeta } from './renderer-csp.js';
import { startWebSocketBridge, type RunningBridge } from './websocket-bridge.js';

const logger = createLogger({ sinks: [] });
let services: Phone;
let dispatcher: IpcDispatcher<typeof contract>;

beforeEach(async () => {
  services = await createTestPhone();
  dispatcher = new IpcDispatcher(contract, createBindings(services), logger);
});
afterEach(() => services.dispose());

describe('Electron IPC carrier', () => {
  const APP_URL = 'file:///opt/app/out/renderer/index.html';

  function attach() {
    const handlers = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
    const sent: [string, unknown][] = [];
    const wc = { isDestroyed: () => false, mainFrame: { url: APP_URL, parent: null }, send: (ch: string, p: unknown) => sent.push([ch, p]) };
    const ipcMain = {
      handle: vi.fn((ch: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => handlers.set(ch, fn)),
      removeHandler: vi.fn((ch: string) => handlers.delete(ch)),
    };
    const carrier = attachElectronCarrier({
      ipcMain: ipcMain as never,
      dispatcher,
      policy: createSenderPolicy({ fileUrl: APP_URL }),
      targets: () => [wc as never],
      logger,
    });
    const call = (channel: string, payload: unknown, frame: { url: string; parent: unknown } = { url: APP_URL, parent: null }) =>
      handlers.get(channel)?.({ senderFrame: frame, sender: { id: 7 } }, payload);
    return { handlers, sent, carrier, call };
  }

  it('registers one handler per request channel and removes them on dispose', () => {
    const { handlers, carrier } = attach();
    expect([...handlers.keys()].sort()).toEqual(dispatcher.requestChannels.sort());
    carrier.dispose();
    expect(handlers.size).toBe(0);
  });

  it('answers a valid request and rejects a schema-breaking payload with a typed error', async () => {
    const { call } = attach();
    expect(await call('rpc:app.getInfo', {})).toMatchObject({ ok: true, value: { version: '9.9.9' } });
    expect(await call('rpc:settings.update', { theme: 42 })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await call('rpc:app.getInfo', 'not an object')).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('refuses requests from a sub-frame or a foreign page before looking at the payload', async () => {
    const { call } = attach();
    expect(await call('rpc:app.getInfo', {}, { url: APP_URL, parent: {} })).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(await call('rpc:app.getInfo', {}, { url: 'https://evil.example/', parent: null })).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    expect(await call('rpc:app.getInfo', {}, { url: 'file:///tmp/other.html', parent: null })).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
  });

  it('pushes service events to the window', async () => {
    const { sent } = attach();
    await services.settings.update({ theme: 'dark' });
    services.dialer.openUri('tel:+49 30 1234-56');
    expect(sent).toEqual([
      ['evt:settings.changed', { ...DEFAULT_SETTINGS, theme: 'dark' }],
      ['evt:dialer.dialRequested', { target: '+4930123456', source: 'protocol-link' }],
    ]);
  });
});

describe('WebSocket bridge carrier', () => {
  let dir: string;
  let bridge: RunningBridge;
  const token = 'test-token-0123456789';

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'softphone-bridge-'));
    await writeFile(join(dir, 'index.html'), '<html><head><meta http-equiv="Content-Security-Policy" content="x"></head></html>');
    bridge = await startWebSocketBridge({ dispatcher, rendererDir: dir, token, logger, csp: BRIDGE_CSP, metaCsp: cspForMeta });
  });
  afterEach(async () => {
    await bridge.close();
    await rm(dir, { recursive: true, force: true });
  });

  function connect(opts: { token?: string; origin?: string } = {}): Promise<WebSocket> {
    const ws = new WebSocket(`ws://127.0.0.1:${bridge.port}/ipc?token=${opts.token ?? token}`, { origin: opts.origin ?? bridge.origin });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }

  function next(ws: WebSocket): Promise<Record<string, unknown>> {
    return new Promise((resolve) => ws.once('message', (d: Buffer) => resolve(JSON.parse(d.toString()) as Record<string, unknown>)));
  }

  it('listens on loopback only and serves the page with the bridge CSP', async () => {
    expect(bridge.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${bridge.origin}/`);
    expect(res.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://127.0.0.1:${bridge.port}`);
    expect(await res.text()).not.toContain('frame-ancestors');
    expect((await fetch(`${bridge.origin}/..%2f..%2fetc%2fpasswd`)).status).toBeGreaterThanOrEqual(400);
  });

  it('answers requests and rejects a schema-breaking payload with a typed error', async () => {
    const ws = await connect();
    ws.send(JSON.stringify({ t: 'req', id: 1, ch: 'rpc:app.getInfo', p: {} }));
    expect(await next(ws)).toMatchObject({ t: 'res', id: 1, r: { ok: true, value: { version: '9.9.9' } } });
    ws.send(JSON.stringify({ t: 'req', id: 2, ch: 'rpc:settings.update', p: { theme: ['dark'] } }));
    expect(await next(ws)).toMatchObject({ t: 'res', id: 2, r: { ok: false, error: { code: 'invalid-payload' } } });
    ws.send('{not json');
    expect(await next(ws)).toMatchObject({ t: 'res', id: null, r: { ok: false, error: { code: 'invalid-payload' } } });
    ws.close();
  });

  it('pushes events to connected pages', async () => {
    const ws = await connect();
    const got = next(ws);
    services.dialer.openUri('sip:bob@example.com');
    expect(await got).toEqual({ t: 'evt', ch: 'evt:dialer.dialRequested', p: { target: 'sip:bob@example.com', source: 'protocol-link' } });
    ws.close();
  });

  it('refuses a wrong token or a foreign Origin', async () => {
    await expect(connect({ token: 'wrong-token-000000000' })).rejects.toThrow(/403/);
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });
});
