/**
 * Which field names hold secrets (DESIGN.md rule 3): the logger masks their values in structured
 * records (`redactValue`) and in text (`redactText`, for `"name":"value"`, `name=value`, `name: value`).
 */


/** Anywhere in the name (separators removed): these never name anything harmless. */
const STRONG_WORDS = /pass(?:word|wd|phrase)|secret|token|credential|authori[sz]ation|pkcs12|cookie/;
/** Whole words (camelCase / snake_case / kebab-case / dotted segments, trailing digits ignored). */
const SECRET_SEGMENTS = new Set(['key', 'keys', 'pass', 'pwd', 'pin', 'salt', 'mastersalt', 'psk', 'p12', 'pfx', 'mikey', 'creds', 'cnonce', 'keyparams', 'keymaterial']);
/**
 * Words ending in "key" that are not keys. A segment that merely ends in `key` (masterkey, apikey,
 * privkey, passkey, srtpkey) is a key; these are the English words and the UI term that are not.
 */
const NOT_KEYS = new Set(['monkey', 'donkey', 'turkey', 'hockey', 'jockey', 'whiskey', 'lackey', 'hotkey']);
/** Names secret only as a whole (a `responseTime` is not a digest response). */
const SECRET_NAMES = new Set(['response', 'cnonce', 'rspauth', 'auts', 'inline', 'nonceresponse', 'digestresponse']);
/** Digest parameters whose value is secret wherever `name=value` appears. */
export const DIGEST_SECRETS = new Set(['response', 'cnonce', 'rspauth', 'auts']);

function segmentsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((s) => s !== '');
}

/**
 * True when a field of this name must never be logged. The issue asks for any name containing
 * password, secret or key; a plain substring match on `key` would also hide `monkey` or `keyframe`,
 * so `key` (like the other short words: pass, pwd, pin, salt) counts as a word of the name: a
 * camelCase, snake_case, kebab-case or dotted segment (`privateKey`, `PRIVATE_KEY`, `sip.key`,
 * `key2`) or the end of one (`masterkey`, `apikey`). The long words (password, passwd, passphrase,
 * secret, token, credential, authorization, pkcs12, cookie) count anywhere (`sippassword`,
 * `pkcs12Password`, `apiSecret`, `accessToken`). So `keepAlive`, `keyframe`, `keyboard`, `monkey`
 * and `hotkey` are logged, and so is `publicKey` (`public key` as words names no secret: a
 * certificate's key type and size are what IT reads); `keyId` and `tokenOk` are not (their values,
 * that is: booleans always are, see `redactValue`).
 */
export function isSecretFieldName(name: string): boolean {
  const known = nameMemo.get(name);
  if (known !== undefined) return known;
  const secret = judgeName(name);
  if (nameMemo.size >= NAME_MEMO_LIMIT) nameMemo.clear();
  nameMemo.set(name, secret);
  return secret;
}

/** Field names repeat (every record of a kind has the same ones): judged once each, in a bounded memo. */
const nameMemo = new Map<string, boolean>();
const NAME_MEMO_LIMIT = 4096;

/** `public key` as words (`publicKey`, `public_key`, `PUBLICKEY`, `signingPublicKeys`) names no secret. */
function withoutPublicKeys(segments: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (/^publickeys?\d*$/.test(s)) continue;
    if (s === 'public' && /^keys?\d*$/.test(segments[i + 1] ?? '')) {
      i++;
      continue;
    }
    out.push(s);
  }
  return out;
}

function judgeName(name: string): boolean {
  const all = segmentsOf(name);
  if (SECRET_NAMES.has(all.join('')) || STRONG_WORDS.test(all.join(''))) return true;
  const segments = withoutPublicKeys(all);
  if (segments.length === 0) return false;
  const joined = segments.join('');
  // `PrivateKEY`, `privatekey`: a name in odd casing still ends in the word.
  const last = joined.endsWith('keys') ? joined.slice(0, -1) : joined;
  if (last.endsWith('key') && !NOT_KEYS.has(last) && !NOT_KEYS.has(segments[segments.length - 1] ?? '')) return true;
  for (const raw of segments) {
    const s = raw.replace(/\d+$/, '');
    if (SECRET_SEGMENTS.has(raw) || SECRET_SEGMENTS.has(s)) return true;
    const singular = s.endsWith('keys') ? s.slice(0, -1) : s;
    if (singular.endsWith('key') && !NOT_KEYS.has(singular)) return true;
  }
  return false;
}
