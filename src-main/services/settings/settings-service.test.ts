import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, MemorySink } from '../../base/logger.js';
import { JsonFileStore } from '../../platform/storage/json-file-store.js';
import { DEFAULT_SETTINGS, SettingsService } from './settings-service.js';

describe('SettingsService with the JSON file store', () => {
  it('persists updates atomically and announces them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'softphone-settings-'));
    const svc = new SettingsService(new JsonFileStore(dir), createLogger({ sinks: [] }));
    await svc.load();
    expect(svc.get()).toEqual(DEFAULT_SETTINGS);
    const seen: unknown[] = [];
    svc.onDidChange((s) => seen.push(s));
    await svc.update({ theme: 'dark' });
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toEqual({ schema: 1, data: { ...DEFAULT_SETTINGS, theme: 'dark' } });
    expect(seen).toEqual([{ ...DEFAULT_SETTINGS, theme: 'dark' }]);
    const again = new SettingsService(new JsonFileStore(dir), createLogger({ sinks: [] }));
    await again.load();
    expect(again.get().theme).toBe('dark');
    await rm(dir, { recursive: true, force: true });
  });

  it('falls back to defaults on a corrupt or hand-edited file; a damaged file is set aside and reported', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'softphone-settings-'));
    const sink = new MemorySink();
    await writeFile(join(dir, 'settings.json'), '{"theme": "neon"}');
    const files = new JsonFileStore(dir);
    const svc = new SettingsService(files, createLogger({ sinks: [sink] }));
    await svc.load();
    expect(svc.get().theme).toBe('system');
    await writeFile(join(dir, 'settings.json'), '{"theme": "dark", "closeToTray": "yes", "doNotDisturb": true}');
    await svc.load();
    expect(svc.get()).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', doNotDisturb: true });
    await writeFile(join(dir, 'settings.json'), '{ broken');
    await svc.load();
    expect(svc.get().theme).toBe('system');
    const aside = (await readdir(dir)).filter((f) => f.startsWith('settings.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, aside[0]!), 'utf8')).toBe('{ broken');
    expect(files.takeProblems()).toEqual([expect.objectContaining({ what: 'settings', movedTo: join(dir, aside[0]!) })]);
    await rm(dir, { recursive: true, force: true });
  });
});
