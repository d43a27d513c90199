import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { nullLogger } from '../base/logger.js';
import { FakeShellPhone } from '../../test/fakes/fake-shell.js';
import { autostartEntry, desktopExecArg, electronLoginItem, LoginItemSync, xdgAutostart } from './login-item.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('start at login', () => {
  it('follows settings.startAtLogin through the OS login item (macOS, Windows)', async () => {
    const phone = new FakeShellPhone();
    const app = { setLoginItemSettings: vi.fn() };
    const sync = new LoginItemSync(phone.settings, electronLoginItem(app), nullLogger);
    phone.setSettings({ startAtLogin: true });
    phone.setSettings({ theme: 'dark' });
    phone.setSettings({ startAtLogin: false });
    await sync.settled();
    expect(app.setLoginItemSettings.mock.calls).toEqual([[{ openAtLogin: false }], [{ openAtLogin: true }], [{ openAtLogin: false }]]);
    sync.dispose();
    phone.setSettings({ startAtLogin: true });
    expect(app.setLoginItemSettings).toHaveBeenCalledTimes(3);
    expect(phone.listenerCount()).toBe(0);
  });

  it('Linux: writes and removes an XDG autostart entry', async () => {
    const base = await mkdtemp(join(tmpdir(), 'autostart-'));
    dirs.push(base);
    const dir = join(base, 'autostart');
    const phone = new FakeShellPhone();
    const sync = new LoginItemSync(phone.settings, xdgAutostart({ dir, id: 'secure-softphone', name: 'Secure Softphone', exec: ['/opt/Secure Softphone/secure-softphone'] }), nullLogger);
    phone.setSettings({ startAtLogin: true });
    await sync.settled();
    const file = join(dir, 'secure-softphone.desktop');
    const text = await readFile(file, 'utf8');
    expect(text).toContain('[Desktop Entry]\nType=Application\n');
    expect(text).toContain('Exec="/opt/Secure Softphone/secure-softphone"\n');
    phone.setSettings({ startAtLogin: false });
    await sync.settled();
    await expect(stat(file)).rejects.toThrow();
  });

  it('a failing login item is logged, not thrown', async () => {
    const phone = new FakeShellPhone();
    const warn = vi.fn();
    const sync = new LoginItemSync(phone.settings, { setOpenAtLogin: () => Promise.reject(new Error('denied')) }, { ...nullLogger, warn });
    await sync.settled();
    expect(warn).toHaveBeenCalled();
  });

  it('quotes Exec arguments as the Desktop Entry Specification asks', () => {
    expect(desktopExecArg('/usr/bin/app')).toBe('"/usr/bin/app"');
    expect(desktopExecArg('/a "b"/$c')).toBe('"/a \\\\"b\\\\"/\\\\$c"');
    expect(desktopExecArg('100%')).toBe('"100%%"');
    expect(autostartEntry('X', ['/x'])).toMatch(/^\[Desktop Entry\]\n/);
  });
});
