/** The voicemail indicator of each account (RFC 3842 NOTIFY message-summary), as the UI shows it. */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { VoicemailView } from '../../../src-shared/model/voicemail.js';
import type { PhoneService } from './phone-service.js';
import { toVoicemailView } from './views/voicemail-view.js';

export class VoicemailService implements Disposable {
  private readonly boxes = new Map<string, VoicemailView>();
  private readonly changes = new Emitter<VoicemailView>();
  readonly onChanged: Event<VoicemailView> = this.changes.event;
  private readonly sub: Disposable;

  constructor(engine: PhoneService, clock: Clock) {
    this.sub = engine.onEvent((e) => {
      if (e.type !== 'mwi') return;
      const view = toVoicemailView(e.accountId, e.summary, clock.now());
      this.boxes.set(e.accountId, view);
      this.changes.fire(view);
    });
  }

  list(): { mailboxes: VoicemailView[] } {
    return { mailboxes: [...this.boxes.values()] };
  }

  /** An account was removed: its indicator goes too. */
  forget(accountId: string): void {
    this.boxes.delete(accountId);
  }

  dispose(): void {
    this.sub.dispose();
    this.changes.dispose();
  }
}
