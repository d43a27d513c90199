/**
 * application/simple-message-summary (RFC 3842 §5): the voicemail indicator.
 *   Messages-Waiting: yes
 *   Voice-Message: 2/8 (0/2)
 */
export interface MessageSummary {
  readonly waiting: boolean;
  readonly newMessages: number;
  readonly oldMessages: number;
  readonly urgentNew: number;
  readonly urgentOld: number;
  /** Message-Account URI when given. */
  readonly account?: string;
}

/**
 * Largest count kept. DEVIATION(RFC 3842 §5.2): the grammar allows any number of digits; a count
 * past this is clamped so that it stays a safe integer for the view and the IPC schema (found by fuzzing).
 */
export const MAX_MESSAGE_COUNT = 999_999;

function count(digits: string | undefined): number {
  return digits === undefined ? 0 : Math.min(Number(digits), MAX_MESSAGE_COUNT);
}

const HEADER_NAME = /^[A-Za-z-]+$/;

export function parseMessageSummary(body: string): MessageSummary | undefined {
  let waiting: boolean | undefined;
  let account: string | undefined;
  let counts = { newMessages: 0, oldMessages: 0, urgentNew: 0, urgentOld: 0 };
  for (const line of body.split(/\r?\n/)) {
    // `name : value` read by index, not by a regular expression: `(.*?)\s*$` backtracks over a
    // long run of blanks (seconds for a 2.6 KB line, found by fuzzing; test/corpus/message-summary).
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const rawName = line.slice(0, colon).trim();
    if (!HEADER_NAME.test(rawName)) continue;
    const name = rawName.toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'messages-waiting') waiting = /^yes$/i.test(value);
    else if (name === 'message-account') account = value;
    else if (name === 'voice-message') {
      const v = /^(\d+)\/(\d+)(?:\s*\((\d+)\/(\d+)\))?/.exec(value);
      if (v !== null) counts = { newMessages: count(v[1]), oldMessages: count(v[2]), urgentNew: count(v[3]), urgentOld: count(v[4]) };
    }
  }
  if (waiting === undefined) return undefined;
  return { waiting, ...counts, ...(account === undefined ? {} : { account }) };
}
