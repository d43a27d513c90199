import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import { DEFAULT_SETTINGS, type AppSettings, type AppSettingsPatch } from '../../../src-shared/model/settings.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';

/** Where settings are kept (platform/storage provides a JSON file; tests an in-memory map). */
export interface KeyValueStore {
  read(key: string): Promise<unknown>;
  write(key: string, value: unknown): Promise<void>;
  /** Moves a document that does not validate aside (kept for IT, never overwritten); where it went. */
  setAside?(key: string): Promise<string | undefined>;
  /** Documents found damaged since the last call (set aside, defaults used): the person is told. */
  takeProblems?(): readonly StoredDocumentProblem[];
}

/** A stored document that was damaged: what it held, and where the damaged file was kept. */
export interface StoredDocumentProblem {
  /** What the document holds, for the words ('settings', 'accounts', 'call history', 'passwords'). */
  readonly what: string;
  readonly movedTo: string | undefined;
  readonly reason: string;
}

/** Re-exported for the services' callers; defined once in src-shared (the renderer shows them before main's snapshot). */
export { DEFAULT_SETTINGS };

const KEY = 'settings';

/** Application settings: load once, validate, update atomically, announce changes. */
export class SettingsService implements Disposable {
  private current: AppSettings = DEFAULT_SETTINGS;
  private readonly changed = new Emitter<AppSettings>();
  readonly onDidChange: Event<AppSettings> = this.changed.event;

  constructor(
    private readonly store: KeyValueStore,
    private readonly logger: Logger,
  ) {}

  /**
   * Reads stored settings; anything unreadable or invalid falls back to defaults field by field.
   * `defaults` (provisioning's) replace the built-in defaults for what the person never set.
   */
  async load(defaults: Partial<AppSettings> = {}): Promise<void> {
    const base: AppSettings = { ...DEFAULT_SETTINGS, ...definedOnly(defaults) };
    try {
      const raw = await this.store.read(KEY);
      this.current = sanitize(raw, base);
    } catch (e) {
      this.logger.warn('settings could not be read; using defaults', { error: e });
      this.current = base;
    }
  }

  get(): AppSettings {
    return this.current;
  }

  async update(patch: AppSettingsPatch): Promise<Result<AppSettings, Problem>> {
    const next: AppSettings = { ...this.current, ...definedOnly(patch) };
    try {
      await this.store.write(KEY, next);
    } catch (e) {
      this.logger.error('settings could not be saved', { error: e });
      return err(problem('storage-write-failed', { what: 'The settings' }));
    }
    this.current = next;
    this.changed.fire(next);
    return ok(next);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function definedOnly(patch: AppSettingsPatch): Partial<AppSettings> {
  const out: Record<string, unknown> = {};
  for (const [k, value] of Object.entries(patch)) if (value !== undefined) out[k] = value;
  return out as Partial<AppSettings>;
}

const BOOLEAN_KEYS = ['closeToTray', 'closeHintShown', 'startMinimized', 'startAtLogin', 'doNotDisturb', 'globalShortcuts', 'notifications'] as const;

/** Field by field: a hand-edited or older file keeps what is valid and gets defaults for the rest. */
function sanitize(raw: unknown, base: AppSettings): AppSettings {
  if (typeof raw !== 'object' || raw === null) return base;
  const r = raw as Record<string, unknown>;
  const out: AppSettings = { ...base };
  if (r.theme === 'light' || r.theme === 'dark' || r.theme === 'system') out.theme = r.theme;
  if (r.dndResponse === 'busy' || r.dndResponse === 'decline') out.dndResponse = r.dndResponse;
  for (const k of BOOLEAN_KEYS) if (typeof r[k] === 'boolean') out[k] = r[k];
  return out;
}
