/**
 * Taskbar and dock attention while a call rings: the window's taskbar button flashes (Windows,
 * Linux) and the dock icon bounces until the call is dealt with (macOS, 'critical' bounces until
 * the app is activated or the bounce is cancelled). Both stop when nothing rings any more. When
 * a ringing call is answered (from the notification, the tray, a shortcut or the window) the
 * window comes forward, so the call screen with Mute and Hang up is at hand.
 */
import type { BrowserWindow, Dock } from 'electron';
import { DisposableStore, type Disposable } from '../base/disposable.js';
import type { RingingCalls } from './ringing-calls.js';
import type { WindowControl } from './shell-phone.js';

export interface RingAttentionDeps {
  readonly ringing: Pick<RingingCalls, 'list' | 'onChanged' | 'onStopped'>;
  /** The window as it is now (null while none is open). */
  readonly currentWindow: () => Pick<BrowserWindow, 'flashFrame' | 'isDestroyed'> | null;
  /** macOS: Electron's app.dock; undefined elsewhere. */
  readonly dock: Pick<Dock, 'bounce' | 'cancelBounce'> | undefined;
  readonly window: WindowControl;
}

export class RingAttention implements Disposable {
  private readonly store = new DisposableStore();
  private flashing: Pick<BrowserWindow, 'flashFrame' | 'isDestroyed'> | null = null;
  private bounce: number | undefined;

  constructor(private readonly deps: RingAttentionDeps) {
    this.store.add(deps.ringing.onChanged((calls) => (calls.length > 0 ? this.start() : this.stop())));
    this.store.add(
      deps.ringing.onStopped(({ end }) => {
        if (end === 'answered') deps.window.show();
      }),
    );
    if (deps.ringing.list().length > 0) this.start();
  }

  get active(): boolean {
    return this.flashing !== null || this.bounce !== undefined;
  }

  dispose(): void {
    this.store.dispose();
    this.stop();
  }

  private start(): void {
    const win = this.deps.currentWindow();
    if (win !== null && this.flashing !== win && !win.isDestroyed()) {
      win.flashFrame(true);
      this.flashing = win;
    }
    if (this.deps.dock !== undefined && this.bounce === undefined) this.bounce = this.deps.dock.bounce('critical');
  }

  private stop(): void {
    const win = this.flashing;
    this.flashing = null;
    if (win !== null && !win.isDestroyed()) win.flashFrame(false);
    if (this.bounce !== undefined) {
      this.deps.dock?.cancelBounce(this.bounce);
      this.bounce = undefined;
    }
  }
}
