/**
 * What a CLI command may touch, handed in by the composition root (src-main/cli/softphone.ts)
 * so commands stay testable: tests pass buffers instead of the process streams.
 */
export interface CliIo {
  readonly stdout: { write(chunk: string): unknown };
  readonly stderr: { write(chunk: string): unknown };
  /** Environment variables (process.env in production). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Current working directory, for resolving relative file arguments. */
  readonly cwd: string;
}

/**
 * A CLI command: parses its own arguments (everything after the command name) and returns the
 * process exit status. 0 success, 1 the checked thing is bad/failed, 2 usage error.
 */
export type CliCommand = (args: readonly string[], io: CliIo) => Promise<number>;

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
