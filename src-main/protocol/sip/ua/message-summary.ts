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

export function parseMessageSummary(body: string): MessageSummary | undefined {
  let waiting: boolean | undefined;
  let account: string | undefined;
  let counts = { newMessages: 0, oldMessages: 0, urgentNew: 0, urgentOld: 0 };
  for (const line of body.split(/\r?\n/)) {
    const m = /^\s*([A-Za-z-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (m === null) continue;
    const name = m[1]!.toLowerCase();
    const value = m[2]!;
    if (name === 'messages-waiting') waiting = /^yes$/i.test(value);
    else if (name === 'message-account') account = value;
    else if (name === 'voice-message') {
      const v = /^(\d+)\/(\d+)(?:\s*\((\d+)\/(\d+)\))?/.exec(value);
      if (v !== null) counts = { newMessages: Number(v[1]), oldMessages: Number(v[2]), urgentNew: Number(v[3] ?? 0), urgentOld: Number(v[4] ?? 0) };
    }
  }
  if (waiting === undefined) return undefined;
  return { waiting, ...counts, ...(account === undefined ? {} : { account }) };
}
