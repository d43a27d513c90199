import { redactText, redactValue } from './redact.js';

/** The message of a record whose redaction failed (its text and fields are not logged). */
export const REDACTION_FAILED = '<record dropped: its redaction failed>';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LogRecord {
  readonly time: number;
  readonly level: LogLevel;
  readonly scope: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

export interface LogSink {
  write(record: LogRecord): void;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger for a sub-scope (`sip.transaction`), sharing sinks and level. */
  child(scope: string): Logger;
}

export interface LoggerOptions {
  readonly sinks: readonly LogSink[];
  readonly level?: LogLevel;
  readonly scope?: string;
  readonly now?: () => number;
}

/**
 * The only logger implementation. Redaction happens here, before any sink sees the record,
 * so no caller can log a secret by mistake (DESIGN.md house rule 3).
 */
export function createLogger(options: LoggerOptions): Logger {
  const min = LEVEL_ORDER[options.level ?? 'info'];
  const now = options.now ?? (() => Date.now());
  const make = (scope: string): Logger => {
    const log = (level: LogLevel, message: string, fields?: Record<string, unknown>): void => {
      if (LEVEL_ORDER[level] < min) return;
      let record: LogRecord;
      try {
        record = {
          time: now(),
          level,
          scope,
          message: redactText(String(message)),
          ...(fields === undefined ? {} : { fields: redactValue(fields) as Record<string, unknown> }),
        };
      } catch {
        // A field whose getter throws (or a bug in redaction) must neither break the caller nor
        // let the unredacted record through: the record says only that it was dropped.
        record = { time: now(), level, scope, message: REDACTION_FAILED };
      }
      for (const sink of options.sinks) {
        try {
          sink.write(record);
        } catch {
          // A failing sink (closed stream, full disk) must never break the caller.
        }
      }
    };
    return {
      debug: (m, f) => log('debug', m, f),
      info: (m, f) => log('info', m, f),
      warn: (m, f) => log('warn', m, f),
      error: (m, f) => log('error', m, f),
      child: (sub) => make(scope === '' ? sub : `${scope}.${sub}`),
    };
  };
  return make(options.scope ?? '');
}

/** A logger that drops everything (default for pure components whose caller passes none). */
export const nullLogger: Logger = createLogger({ sinks: [] });

/** Keeps records in memory (tests, the diagnostics panel's ring buffer). */
export class MemorySink implements LogSink {
  readonly records: LogRecord[] = [];
  constructor(private readonly limit = 10_000) {}
  write(record: LogRecord): void {
    this.records.push(record);
    if (this.records.length > this.limit) this.records.shift();
  }
  text(): string {
    return this.records.map(formatRecord).join('\n');
  }
}

/** Writes one JSON object per line to a text stream (stderr for the CLI, a file for the app). */
export class JsonLinesSink implements LogSink {
  constructor(private readonly out: { write(chunk: string): unknown }) {}
  write(record: LogRecord): void {
    this.out.write(`${JSON.stringify(record)}\n`);
  }
}

export function formatRecord(r: LogRecord): string {
  const fields = r.fields === undefined ? '' : ` ${JSON.stringify(r.fields)}`;
  return `${new Date(r.time).toISOString()} ${r.level.toUpperCase()} [${r.scope}] ${r.message}${fields}`;
}
