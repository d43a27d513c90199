/**
 * Headless composition root: the `softphone` command (package.json `bin`). It never imports
 * Electron; it drives the same services and protocol code as the desktop app.
 */
import pkg from '../../package.json';
import type { CliIo } from './cli-io.js';
import { EXIT_USAGE } from './cli-io.js';
import { renderHelp, type CommandTable } from './commands.js';
import { COMMANDS } from './command-table.js';

export async function runCli(argv: readonly string[], io: CliIo, commands: CommandTable = COMMANDS): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(renderHelp('softphone', pkg.version, commands));
    return first === undefined ? EXIT_USAGE : 0;
  }
  if (first === '--version' || first === '-V' || first === 'version') {
    io.stdout.write(`softphone ${pkg.version}\n`);
    return 0;
  }
  const command = commands[first];
  if (command === undefined) {
    io.stderr.write(`softphone: unknown command '${first}'. Run 'softphone --help' for the list.\n`);
    return EXIT_USAGE;
  }
  return command.run(rest, io);
}

/** True when this module is the process entry point (not when imported by tests). */
function isEntryPoint(): boolean {
  const entry = process.argv[1] ?? '';
  return /softphone(\.(c?m?js|ts))?$/.test(entry);
}

if (isEntryPoint()) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((e: unknown) => {
      process.stderr.write(`softphone: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 70;
    });
}
