import type { PartyView } from '../../../../src-shared/model/call.js';

/**
 * The far end as people read it: the display name when there is one, else `1001` for a number at
 * a PBX (`sip:1001@pbx…;user=phone`, `tel:+4930…`) or `bob@pbx.example.com`.
 */
export function partyView(uri: string, displayName: string | undefined): PartyView {
  const name = displayName?.trim();
  return { uri, label: name !== undefined && name !== '' ? name : shortAddress(uri), displayName: name === undefined || name === '' ? null : name };
}

export function shortAddress(uri: string): string {
  const bare = uri.replace(/^(sips?|tel):/i, '').replace(/[;?].*$/, '');
  const at = bare.indexOf('@');
  if (at < 0) return bare;
  const user = bare.slice(0, at);
  // A phone number at the PBX reads as the number.
  return /^\+?[0-9*#]+$/.test(user) ? user : bare;
}
