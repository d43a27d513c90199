import type { CliCommand } from './cli-io.js';

export interface CommandEntry {
  readonly usage: string;
  readonly summary: string;
  readonly run: CliCommand;
}

/**
 * The `softphone` subcommands. Each is a thin face over the same services and protocol code the
 * desktop app uses; the registry is filled in by softphone.ts.
 */
export type CommandTable = Readonly<Record<string, CommandEntry>>;

export function renderHelp(name: string, version: string, commands: CommandTable): string {
  const lines = [
    `${name} ${version}: the headless face of the secure softphone (SIP over TLS, SDES-SRTP).`,
    '',
    `Usage: ${name} COMMAND [OPTIONS]`,
    `       ${name} --version | --help`,
    '',
    'Commands:',
    ...Object.values(commands).flatMap((c) => [`  ${c.usage}`, `      ${c.summary}`]),
    '',
    `Run '${name} COMMAND --help' for the options of one command.`,
    'Exit status: 0 success, 1 the call/check failed, 2 usage error.',
  ];
  return `${lines.join('\n')}\n`;
}
