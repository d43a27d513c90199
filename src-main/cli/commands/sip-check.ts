/**
 * `softphone sip-check FILE...`
 *
 * Reads raw SIP messages (one per file, as received: a UDP datagram, or one message cut from a
 * stream; pasted text with LF line ends is fine) and prints one JSON line per file:
 *   {"file","ok","kind":"request"|"response","method"|"status","errors":[{code,status,reason,message,header?}]}
 * with every problem the parser finds (not just the first). Error texts pass through the log
 * redaction (digest responses, passwords in URIs).
 *
 * Exit status: 0 all valid, 1 at least one invalid, 2 usage error (no file, unknown option,
 * unreadable file).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { redactText } from '../../base/redact.js';
import { checkMessage } from '../../protocol/sip/message/parser.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, type CliCommand } from '../cli-io.js';

export const SIP_CHECK_USAGE = 'sip-check FILE...';

const HELP = `Usage: softphone ${SIP_CHECK_USAGE}

Checks raw SIP messages against RFC 3261 (and RFC 4475/5118 robustness rules) and prints one JSON
line per file: {"file","ok","kind","method"|"status","errors":[...]}. Each error has a code, the
status a server would answer (400, or 505), the reason phrase it would use, and a message.

Exit status: 0 all valid, 1 some invalid, 2 usage error or unreadable file.
`;

interface ErrorLine {
  readonly code: string;
  readonly status: number;
  readonly reason: string;
  readonly message: string;
  readonly header?: string;
}

export const sipCheck: CliCommand = async (args, io) => {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(HELP);
    return EXIT_OK;
  }
  const unknown = args.find((a) => a.startsWith('-') && a !== '-');
  if (unknown !== undefined || args.length === 0) {
    io.stderr.write(`${unknown === undefined ? 'sip-check: no file given' : `sip-check: unknown option ${unknown}`}\nUsage: softphone ${SIP_CHECK_USAGE}\n`);
    return EXIT_USAGE;
  }
  let invalid = false;
  let unreadable = false;
  for (const file of args) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(isAbsolute(file) ? file : resolve(io.cwd, file));
    } catch (e) {
      unreadable = true;
      const message = e instanceof Error ? e.message : String(e);
      io.stderr.write(`sip-check: cannot read ${file}: ${message}\n`);
      io.stdout.write(`${JSON.stringify({ file, ok: false, errors: [{ code: 'unreadable-file', message }] })}\n`);
      continue;
    }
    const check = checkMessage(bytes);
    const errors: ErrorLine[] = check.errors.map((e) => ({
      code: e.code,
      status: e.status,
      reason: e.reason,
      message: redactText(e.message),
      ...(e.header === undefined ? {} : { header: e.header }),
    }));
    const ok = errors.length === 0;
    if (!ok) invalid = true;
    const line: Record<string, unknown> = { file, ok, kind: check.kind ?? null };
    if (check.kind === 'request' && check.method !== undefined) line['method'] = check.method;
    if (check.kind === 'response' && check.status !== undefined) line['status'] = check.status;
    line['errors'] = errors;
    io.stdout.write(`${JSON.stringify(line)}\n`);
  }
  await Promise.resolve();
  if (unreadable) return EXIT_USAGE;
  return invalid ? EXIT_FAILURE : EXIT_OK;
};
