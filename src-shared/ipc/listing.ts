import type { ContractShape } from './define.js';
import { listChannels } from './define.js';

/**
 * The contract as a Markdown table (the README's "The contract" section is this output; a test
 * keeps them equal, and `npm run --silent contract` prints it).
 */
export function contractListing(contract: ContractShape): string {
  const rows = listChannels(contract).map((c) => `| \`${c.channel}\` | ${c.kind === 'request' ? 'request' : 'event'} | ${c.spec.summary.replace(/\|/g, '\\|')} |`);
  return ['| channel | kind | what it does |', '|---|---|---|', ...rows].join('\n');
}
