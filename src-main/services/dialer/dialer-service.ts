import { Emitter, type Event } from '../../base/event.js';
import type { Disposable } from '../../base/disposable.js';
import { err, ok, type Result } from '../../base/result.js';
import type { DialRequest } from '../../../src-shared/model/dial-request.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';

const SCHEMES = ['sip:', 'sips:', 'tel:', 'callto:'] as const;

/**
 * Receives dial targets from outside the dialer (OS protocol links sip:/sips:/tel:, the command
 * line) and announces them to whichever face is showing the dialer.
 */
export class DialerService implements Disposable {
  private readonly requested = new Emitter<DialRequest>();
  readonly onDialRequested: Event<DialRequest> = this.requested.event;

  /** Validates a URI handed over by the OS and routes it to the dialer. */
  openUri(uri: string, source: DialRequest['source'] = 'protocol-link'): Result<void, Problem> {
    const target = normalizeDialTarget(uri);
    if (!target.ok) return target;
    this.requested.fire({ target: target.value, source });
    return ok(undefined);
  }

  dispose(): void {
    this.requested.dispose();
  }
}

/**
 * Turns a link into what the dialer shows: `sip:`/`sips:` URIs stay URIs (without `//` that some
 * browsers add, and without URI headers such as `?subject=`), `tel:`/`callto:` become the number.
 */
export function normalizeDialTarget(uri: string): Result<string, Problem> {
  const trimmed = uri.trim();
  const lower = trimmed.toLowerCase();
  const scheme = SCHEMES.find((s) => lower.startsWith(s));
  if (scheme === undefined) {
    return err(problem('invalid-target', { target: trimmed.slice(0, 80) }));
  }
  let rest = trimmed.slice(scheme.length).replace(/^\/\//, '');
  const q = rest.indexOf('?');
  if (q >= 0) rest = rest.slice(0, q);
  try {
    rest = decodeURIComponent(rest);
  } catch {
    return err(problem('invalid-target', { target: trimmed.slice(0, 80) }));
  }
  if (scheme === 'tel:' || scheme === 'callto:') {
    // RFC 3966 visual separators (-.()) and the spaces people paste are dropped; parameters too.
    const number = (rest.split(';')[0] ?? '').trim();
    if (!/^\+?[0-9*#().\- ]{1,64}$/.test(number)) return err(problem('invalid-target', { target: trimmed.slice(0, 80) }));
    return ok(number.replace(/[().\- ]/g, ''));
  }
  if (!/^[^\s<>"@]+@[^\s<>"@]+$|^[^\s<>"@]+$/.test(rest) || rest.length > 256) {
    return err(problem('invalid-target', { target: trimmed.slice(0, 80) }));
  }
  return ok(`${scheme}${rest}`);
}
