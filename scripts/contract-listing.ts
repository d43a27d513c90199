// Prints the IPC contract as the Markdown table the README carries (npm run --silent contract).
import { contract } from '../src-shared/ipc/contract.js';
import { contractListing } from '../src-shared/ipc/listing.js';

process.stdout.write(`${contractListing(contract)}\n`);
