/**
 * Redaction of secrets (DESIGN.md house rule 3). Every log record passes through here
 * by construction (see logger.ts), so callers cannot forget it.
 *
 * What is removed:
 *  - SDES key material: `inline:<base64 key||salt>` in `a=crypto` lines (RFC 4568 §6.1)
 *  - Authorization / Proxy-Authorization header values (digest responses, cnonce, usernames)
 *  - digest `response="..."` parameters anywhere
 *  - the password part of `user:password@host` URIs (RFC 3261 §19.1.1)
 *  - PEM private keys and PKCS#12 blobs
 *  - structured fields whose name says they are secret (password, passphrase, secret, key, token…)
 */
export const REDACTED = '[REDACTED]';

const SECRET_FIELD = /^(password|passwd|passphrase|secret|token|privatekey|private_key|key|masterkey|master_key|mastersalt|master_salt|salt|authorization|proxy-authorization|pkcs12|pfx|nonce_response|response|keyparams|inline)$/i;

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // RFC 4568 key-params: inline:KEY[|lifetime][|MKI:len] - keep the optional parts, drop the key.
  [/inline:[A-Za-z0-9+/=]+/g, `inline:${REDACTED}`],
  // Whole Authorization / Proxy-Authorization header values, through the end of the line (incl. folded lines).
  [/^((?:proxy-)?authorization[ \t]*:)[^\r\n]*(?:\r?\n[ \t]+[^\r\n]*)*/gim, `$1 ${REDACTED}`],
  // Authorization values quoted inside JSON or other text.
  [/("(?:proxy-)?authorization"\s*:\s*")(?:[^"\\]|\\.)*"/gi, `$1${REDACTED}"`],
  [/(\bresponse\s*=\s*)"[^"]*"/gi, `$1"${REDACTED}"`],
  [/(\bresponse\s*=\s*)[0-9a-f]{16,}/gi, `$1${REDACTED}`],
  // user:password@ in sip:/sips:/tel: URIs and generic URLs.
  [/\b((?:sips?|tel|https?|wss?):(?:\/\/)?[^\s:@/<>"';]+):[^\s@/<>"';]+@/gi, `$1:${REDACTED}@`],
  [/-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g, `-----BEGIN $1PRIVATE KEY-----${REDACTED}-----END $1PRIVATE KEY-----`],
];

/** Returns `text` with every known kind of secret replaced by `[REDACTED]`. */
export function redactText(text: string): string {
  let out = text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** True when a structured field of this name must never be logged. */
export function isSecretFieldName(name: string): boolean {
  return SECRET_FIELD.test(name);
}

/**
 * Deep-copies a value for logging with secrets removed: secret-named fields become `[REDACTED]`,
 * strings pass through `redactText`, Buffers/Uint8Arrays are summarised by length (raw bytes may
 * be keys), Errors keep name/message/code. Cycles and depth are bounded.
 */
export function redactValue(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  if (typeof value !== 'object') return undefined;
  if (depth > 8) return '<depth limit>';
  if (seen.has(value)) return '<cycle>';
  seen.add(value);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: value.name,
      message: redactText(value.message),
      ...(typeof code === 'string' ? { code } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = isSecretFieldName(k) && v !== undefined && v !== null && v !== '' ? REDACTED : redactValue(v, depth + 1, seen);
  }
  return out;
}
