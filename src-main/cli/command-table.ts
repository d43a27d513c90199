import type { CommandTable } from './commands.js';
import { webCommand } from './web-face.js';

/** Every subcommand of `softphone`, in the order `--help` lists them. */
export const COMMANDS: CommandTable = {
  web: {
    usage: 'web [--port N] [--data DIR]',
    summary: 'Serve the real UI to a browser on 127.0.0.1 (development and end-to-end tests).',
    run: webCommand,
  },
};
