/**
 * The media of an incoming call is created asynchronously (it binds sockets) while the user agent
 * needs an SdpHandler at once: this stands in until the real CallMedia is attached.
 */
import type { Result } from '../../base/result.js';
import type { Direction } from '../../protocol/sdp/session-description.js';
import type { SdpFailure, SdpHandler } from '../../protocol/sip/ua/call-session.js';
import type { CallMedia } from '../../media/call-media.js';

const NOT_READY: SdpFailure = { code: 'not-ready', message: 'The media of this call is not ready.', sipStatus: 488 };

export class DeferredMedia implements SdpHandler {
  media: CallMedia | undefined;

  createOffer(direction?: Direction): Result<string, SdpFailure> {
    return this.media === undefined ? { ok: false, error: NOT_READY } : this.media.createOffer(direction);
  }

  applyAnswer(sdp: Uint8Array | string): Result<unknown, SdpFailure> {
    return this.media === undefined ? { ok: false, error: NOT_READY } : this.media.applyAnswer(sdp);
  }

  answerOffer(sdp: Uint8Array | string, direction?: Direction): Result<{ readonly sdp: string }, SdpFailure> {
    return this.media === undefined ? { ok: false, error: NOT_READY } : this.media.answerOffer(sdp, direction);
  }
}
