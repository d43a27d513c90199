/**
 * Log files in the user-data folder, size-capped: `NAME` is written until it would pass
 * `maxBytes`, then `NAME.1` … `NAME.(files-1)` shift up (the oldest goes) and a new `NAME` starts.
 * Default 5 files × 2 MB. Records arrive already redacted (base/logger.ts masks secrets before
 * any sink sees a record), one JSON line each. Writes are synchronous appends, so a crash loses
 * nothing written before it; a failing disk never breaks the caller (the logger swallows it).
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LogRecord, LogSink } from '../../base/logger.js';

export interface RotatingFileSinkOptions {
  readonly maxBytes?: number;
  /** How many files in all, the current one included. */
  readonly files?: number;
}

export class RotatingFileSink implements LogSink {
  private size: number;
  private readonly maxBytes: number;
  private readonly files: number;

  constructor(
    private readonly path: string,
    options: RotatingFileSinkOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
    this.files = Math.max(1, options.files ?? 5);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    try {
      this.size = statSync(path).size;
    } catch {
      this.size = 0;
    }
  }

  write(record: LogRecord): void {
    const line = `${JSON.stringify({ time: new Date(record.time).toISOString(), level: record.level, scope: record.scope, message: record.message, ...(record.fields === undefined ? {} : { fields: record.fields }) })}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    appendFileSync(this.path, line, { mode: 0o600 });
    this.size += bytes;
  }

  private rotate(): void {
    rmSync(`${this.path}.${this.files - 1}`, { force: true });
    for (let i = this.files - 2; i >= 1; i--) {
      try {
        renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch {
        // not there yet
      }
    }
    if (this.files > 1) renameSync(this.path, `${this.path}.1`);
    else rmSync(this.path, { force: true });
    this.size = 0;
  }
}
