/**
 * What people type into a dialer, as a SIP request target: full sip:/sips:/tel: URIs, `user@host`,
 * or a number/user at the account's own domain (RFC 3261 §19.1; tel: per RFC 3966, sent as
 * `sip:NUMBER@domain;user=phone` since the PBX routes it). Visual separators (spaces, dashes,
 * dots, brackets) are dropped from numbers, as phones do with pasted numbers.
 */
import { err, ok, type Result } from '../../base/result.js';
import { parseNameAddr } from '../../protocol/sip/message/name-addr.js';
import type { SipUri, Uri } from '../../protocol/sip/message/uri.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';

export function targetUri(target: string, aor: SipUri): Result<Uri, Problem> {
  const t = target.trim();
  const bad = (): Result<Uri, Problem> => err(problem('invalid-target', { target: t.slice(0, 80) }));
  let text: string;
  if (/^(sips?|tel):/i.test(t)) text = t;
  else if (t.includes('@')) text = `${aor.scheme}:${t}`;
  else {
    const user = t.replace(/[\s().-]/g, '');
    if (!/^[+\w*#.!~'-]+$/.test(user)) return bad();
    text = `${aor.scheme}:${user}@${aor.host}${aor.port === undefined ? '' : `:${aor.port}`}`;
  }
  const na = parseNameAddr(text);
  if (na === undefined) return bad();
  if (na.uri.kind === 'tel') {
    const converted = parseNameAddr(`${aor.scheme}:${na.uri.number.replace(/[-.()]/g, '')}@${aor.host};user=phone`);
    if (converted !== undefined) return ok(converted.uri);
  }
  if (na.uri.kind !== 'sip' && na.uri.kind !== 'tel') return bad();
  return ok(na.uri);
}

/** A URI as the call list and history keep it (no parameters or headers). */
export function formatTarget(uri: Uri): string {
  if (uri.kind === 'sip') return `${uri.scheme}:${uri.user === undefined ? '' : `${uri.user}@`}${uri.host}`;
  if (uri.kind === 'tel') return `tel:${uri.number}`;
  return `${uri.scheme}:${uri.opaque}`;
}
