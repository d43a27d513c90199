/**
 * Fakes for the desktop shell's unit tests (src-main/app): the phone pieces the shell uses
 * (ShellPhone) and the Electron pieces it takes by constructor (tray, menus, images,
 * notifications, windows, global shortcuts, app events). No Electron is loaded.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';
import { Emitter } from '../../src-main/base/event.js';
import { ok, type Result } from '../../src-main/base/result.js';
import type { ShellPhone } from '../../src-main/app/shell-phone.js';
import type { NotificationFactory, NotificationPort } from '../../src-main/app/notification-port.js';
import type { TrayPort } from '../../src-main/app/tray.js';
import { DEFAULT_SETTINGS } from '../../src-main/services/settings/settings-service.js';
import type { AccountView } from '../../src-shared/model/account.js';
import type { UiCommand } from '../../src-shared/model/app-info.js';
import type { CallView } from '../../src-shared/model/call.js';
import type { HistoryChanged } from '../../src-shared/model/history.js';
import type { RegistrationStateName, RegistrationView } from '../../src-shared/model/registration.js';
import type { AppSettings, AppSettingsPatch } from '../../src-shared/model/settings.js';
import type { Problem } from '../../src-shared/ipc/errors.js';
import type { MenuItemConstructorOptions, NotificationConstructorOptions } from 'electron';

// ---- views ---------------------------------------------------------------------------------

let callSeq = 0;

/** A CallView; by default an incoming call ringing, ready to answer, from a secure caller. */
export function callView(overrides: Partial<CallView> = {}): CallView {
  callSeq++;
  return {
    id: `call-${callSeq}`,
    accountId: 'work',
    direction: 'incoming',
    remote: { uri: `sips:caller${callSeq}@pbx.example.com`, label: `Caller ${callSeq}`, displayName: null },
    state: 'ringing',
    startedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, callSeq)).toISOString(),
    answeredAt: null,
    endedAt: null,
    muted: false,
    held: false,
    remoteHeld: false,
    actions: ['answer', 'decline', 'hangup'],
    consultationOf: null,
    endReason: null,
    security: {
      level: 'secure',
      signalling: { transport: 'tls', tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', verification: 'full', hops: 'every-hop', summary: '' },
      media: { encrypted: true, suite: 'AES_CM_128_HMAC_SHA1_80', policy: 'mandatory', reasonCode: null, offered: [], chosen: null, why: '', summary: '', warnings: [], offeredBy: 'us', lines: [], remoteProfile: null },
    },
    audio: null,
    ...overrides,
  };
}

/** A connected call (hang up, hold, mute, transfer allowed). */
export function activeCall(overrides: Partial<CallView> = {}): CallView {
  return callView({ direction: 'outgoing', state: 'active', answeredAt: '2026-01-01T12:00:00.000Z', actions: ['hangup', 'hold', 'mute', 'dtmf', 'transfer'], ...overrides });
}

/** The same call, answered. */
export function answered(call: CallView): CallView {
  return { ...call, state: 'active', answeredAt: '2026-01-01T12:01:00.000Z', actions: ['hangup', 'hold', 'mute', 'dtmf', 'transfer'] };
}

/** The same call, ended with `code`. */
export function ended(call: CallView, code: NonNullable<CallView['endReason']>['code']): CallView {
  return { ...call, state: 'ended', endedAt: '2026-01-01T12:02:00.000Z', actions: [], endReason: { code, status: null, message: '' } };
}

export function accountView(id: string, enabled = true): AccountView {
  return {
    id,
    displayName: null,
    address: `sips:${id}@pbx.example.com`,
    shortAddress: `${id}@pbx.example.com`,
    authUser: null,
    registrar: null,
    outboundProxy: null,
    transport: 'tls',
    tlsScope: 'every-hop',
    verification: 'full',
    pin: null,
    minTlsVersion: 'TLSv1.2',
    caFiles: [],
    trustedCas: [],
    caOnly: false,
    revocation: 'off',
    clientCertificate: null,
    srtp: 'mandatory',
    srtpSuites: [],
    codecs: [],
    register: true,
    registerExpires: 600,
    sessionExpires: 1800,
    voicemail: false,
    allowInsecureSdes: false,
    hasPassword: true,
    enabled,
    isDefault: false,
    locked: [],
  };
}

export function registrationView(accountId: string, state: RegistrationStateName): RegistrationView {
  return { accountId, state, since: '2026-01-01T12:00:00.000Z', expiresAt: null, expiresSeconds: null, flow: null, failure: null, nextRetryAt: null, progress: null, certificateExpiry: null };
}

// ---- the phone -----------------------------------------------------------------------------

const done = (): Result<void, Problem> => ok(undefined);

/** The phone pieces the shell uses, driven by the test. */
export class FakeShellPhone implements ShellPhone {
  private current: AppSettings = { ...DEFAULT_SETTINGS };
  private readonly settingsChanged = new Emitter<AppSettings>();
  private accountList: AccountView[] = [];
  private registrationList: RegistrationView[] = [];
  private readonly registrationChanged = new Emitter<RegistrationView>();
  private readonly accountsChanged = new Emitter<{ accounts: AccountView[] }>();
  private callList: CallView[] = [];
  private readonly callsChanged = new Emitter<{ calls: CallView[] }>();
  private historySummary: HistoryChanged = { total: 0, missedUnseen: 0 };
  private readonly historyChanged = new Emitter<HistoryChanged>();

  readonly settings = {
    get: (): AppSettings => this.current,
    update: vi.fn(async (patch: AppSettingsPatch): Promise<Result<AppSettings, Problem>> => {
      this.setSettings(patch);
      return ok(this.current);
    }),
    onDidChange: this.settingsChanged.event,
  };
  readonly accounts = {
    list: () => ({ accounts: this.accountList, registrations: this.registrationList }),
    onRegistrationChanged: this.registrationChanged.event,
    onAccountsChanged: this.accountsChanged.event,
  };
  readonly calls = {
    list: () => ({ calls: this.callList }),
    onCallsChanged: this.callsChanged.event,
    answer: vi.fn((_callId: string) => done()),
    decline: vi.fn((_callId: string, _reason: 'busy' | 'decline') => done()),
    hangup: vi.fn((_callId: string) => done()),
    setMuted: vi.fn((_callId: string, _muted: boolean) => done()),
    hold: vi.fn((_callId: string, _hold: boolean) => done()),
  };
  readonly history = {
    summary: () => this.historySummary,
    onChanged: this.historyChanged.event,
  };
  readonly app = { command: vi.fn((_command: UiCommand) => undefined) };

  /** Changes settings as the service would (and announces them). */
  setSettings(patch: Partial<AppSettings>): void {
    this.current = { ...this.current, ...patch };
    this.settingsChanged.fire(this.current);
  }

  setAccounts(accounts: AccountView[], registrations: RegistrationView[]): void {
    this.accountList = accounts;
    this.registrationList = registrations;
    this.accountsChanged.fire({ accounts });
  }

  /** One account's registration changes. */
  setRegistration(view: RegistrationView): void {
    this.registrationList = [...this.registrationList.filter((r) => r.accountId !== view.accountId), view];
    this.registrationChanged.fire(view);
  }

  /** `calls.changed` with these calls. */
  setCalls(calls: CallView[]): void {
    this.callList = calls;
    this.callsChanged.fire({ calls });
  }

  setMissed(missedUnseen: number): void {
    this.historySummary = { total: Math.max(this.historySummary.total, missedUnseen), missedUnseen };
    this.historyChanged.fire(this.historySummary);
  }

  /** Listeners still attached to the phone's events (a leak check after dispose). */
  listenerCount(): number {
    return [this.settingsChanged, this.registrationChanged, this.accountsChanged, this.callsChanged, this.historyChanged].reduce((n, e) => n + e.listenerCount, 0);
  }
}

// ---- Electron pieces -----------------------------------------------------------------------

/** A nativeImage stand-in remembering its PNG representations. */
export class FakeImage {
  readonly representations: { scaleFactor: number; buffer: Buffer }[] = [];
  constructor(buffer: Buffer, scaleFactor: number) {
    this.representations.push({ scaleFactor, buffer });
  }
  addRepresentation(o: { scaleFactor: number; buffer: Buffer }): void {
    this.representations.push(o);
  }
  png(scaleFactor = 1): Buffer {
    const r = this.representations.find((x) => x.scaleFactor === scaleFactor);
    if (r === undefined) throw new Error(`no ${scaleFactor}x representation`);
    return r.buffer;
  }
}

export const fakeNativeImage = { createFromBuffer: (buffer: Buffer, o?: { scaleFactor?: number }) => new FakeImage(buffer, o?.scaleFactor ?? 1) };

/** A built menu: the template as given (clicks callable). */
export class FakeMenu {
  constructor(readonly items: MenuItemConstructorOptions[]) {}
  item(label: string): MenuItemConstructorOptions | undefined {
    return this.items.find((i) => i.label === label);
  }
  labels(): string[] {
    return this.items.filter((i) => i.type !== 'separator').map((i) => i.label ?? '');
  }
  click(label: string): void {
    const item = this.item(label);
    if (item?.click === undefined) throw new Error(`no clickable menu item "${label}" in ${this.labels().join(', ')}`);
    if (item.enabled === false) throw new Error(`menu item "${label}" is disabled`);
    (item.click as () => void)();
  }
}

export const buildFakeMenu = (template: MenuItemConstructorOptions[]): FakeMenu => new FakeMenu(template);

export class FakeTray implements TrayPort<FakeImage, FakeMenu> {
  image: FakeImage;
  toolTip = '';
  title = '';
  menu: FakeMenu | null = null;
  destroyed = false;
  readonly events = new EventEmitter();
  readonly setImage = vi.fn((image: FakeImage) => {
    this.image = image;
  });
  constructor(image: FakeImage) {
    this.image = image;
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  setTitle(title: string): void {
    this.title = title;
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu;
  }
  on(event: 'click', listener: () => void): this {
    this.events.on(event, listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** The tray's menu now (fails when none is set). */
  get contextMenu(): FakeMenu {
    if (this.menu === null) throw new Error('no tray menu');
    return this.menu;
  }
}

export class FakeNotification implements NotificationPort {
  shown = false;
  closed = false;
  private readonly events = new EventEmitter();
  constructor(readonly options: NotificationConstructorOptions) {}
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.closed = true;
  }
  on(event: 'action', listener: (details: { readonly actionIndex?: number } | undefined, actionIndex?: number) => void): this;
  on(event: 'click' | 'close', listener: () => void): this;
  on(event: string, listener: (...args: never[]) => void): this {
    this.events.on(event, listener as unknown as (...args: unknown[]) => void);
    return this;
  }
  /** The person pressed button `index` (Electron ≥ 32 event shape). */
  action(index: number): void {
    this.events.emit('action', { actionIndex: index }, index);
  }
  /** The same, as Electron before 32 sent it (no details, the index second). */
  legacyAction(index: number): void {
    this.events.emit('action', undefined, index);
  }
  clickBody(): void {
    this.events.emit('click');
  }
  dismiss(): void {
    this.events.emit('close');
  }
}

export class FakeNotifications implements NotificationFactory {
  readonly created: FakeNotification[] = [];
  supported = true;
  isSupported(): boolean {
    return this.supported;
  }
  create(options: NotificationConstructorOptions): FakeNotification {
    const n = new FakeNotification(options);
    this.created.push(n);
    return n;
  }
  titled(title: string): FakeNotification[] {
    return this.created.filter((n) => n.options.title === title);
  }
}

/** A window as close-to-tray and ring attention see it; `close()` runs Electron's close protocol. */
export class FakeWindow extends EventEmitter {
  visible = true;
  destroyed = false;
  readonly hide = vi.fn(() => {
    this.visible = false;
  });
  readonly flashFrame = vi.fn((_flag: boolean) => undefined);
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The person (or a quit) closes the window: true when it really closed. */
  close(): boolean {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return false;
    this.destroyed = true;
    this.visible = false;
    this.emit('closed');
    return true;
  }
}

/** Electron's app as far as quitting goes: quit() fires 'before-quit' then closes every window. */
export class FakeApp extends EventEmitter {
  readonly windows: FakeWindow[] = [];
  quitted = false;
  readonly setBadgeCount = vi.fn((_count: number) => true);
  readonly quit = vi.fn(() => {
    this.emit('before-quit', { preventDefault: () => undefined });
    if (this.windows.every((w) => w.destroyed || w.close())) this.quitted = true;
  });
}

export class FakeGlobalShortcut {
  readonly held = new Map<string, () => void>();
  /** Accelerators another application holds. */
  readonly taken = new Set<string>();
  readonly register = vi.fn((accelerator: string, callback: () => void): boolean => {
    if (this.taken.has(accelerator) || this.held.has(accelerator)) return false;
    this.held.set(accelerator, callback);
    return true;
  });
  readonly unregister = vi.fn((accelerator: string): void => {
    this.held.delete(accelerator);
  });
  press(accelerator: string): void {
    const cb = this.held.get(accelerator);
    if (cb === undefined) throw new Error(`${accelerator} is not registered`);
    cb();
  }
}
