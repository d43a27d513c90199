/**
 * Warning (RFC 3261 §20.43): warning-value *(COMMA warning-value);
 * warning-value = warn-code SP warn-agent SP warn-text, warn-code = 3DIGIT (RFC 4475 §3.1.2.5 sends 1812).
 */
import { byteStringToText } from './byte-string.js';
import { HOST_CHARS, TOKEN, isDigit } from './char-classes.js';
import { unquote, type Cursor } from './cursor.js';

export interface Warning {
  readonly code: number;
  readonly agent: string;
  readonly text: string;
}

export function parseWarningListAt(c: Cursor, out: Warning[]): boolean {
  for (;;) {
    c.skipWsp();
    const codeStart = c.pos;
    while (c.pos < c.end && isDigit(c.s.charCodeAt(c.pos))) c.pos++;
    if (c.pos - codeStart !== 3) {
      c.fail('warn-code must be 3 digits');
      return false;
    }
    const code = Number(c.s.slice(codeStart, c.pos));
    if (c.peek() !== 0x20) {
      c.fail('malformed Warning');
      return false;
    }
    c.pos++;
    const agentStart = c.pos;
    if (c.peek() === 0x5b) {
      const close = c.s.indexOf(']', c.pos);
      c.pos = close < 0 ? c.end : close + 1;
    } else c.take(HOST_CHARS.map((v, i) => v | (TOKEN[i] ?? 0)));
    if (c.peek() === 0x3a) {
      c.pos++;
      while (c.pos < c.end && isDigit(c.s.charCodeAt(c.pos))) c.pos++;
    }
    const agent = c.s.slice(agentStart, c.pos);
    if (agent === '' || c.peek() !== 0x20) {
      c.fail('malformed warn-agent');
      return false;
    }
    c.pos++;
    const q = c.quoted();
    if (q === undefined) return false;
    out.push({ code, agent, text: byteStringToText(unquote(q)) });
    if (c.sep(0x2c)) continue;
    c.skipWsp();
    if (!c.atEnd()) {
      c.fail('unexpected text in Warning');
      return false;
    }
    return true;
  }
}
