#!/usr/bin/env node
// Runs Doyensec's Electronegativity over the main-process sources and fails on any finding of
// HIGH or CRITICAL severity, or on any lower finding that is not explained below.
// Electronegativity always exits 0, so its CSV output is parsed. Offline it needs -e (the Electron
// version, read from package.json) and must skip AvailableSecurityFixesGlobalCheck (a network call).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8'));
const outDir = join(root, '.tmp');
const out = join(outDir, 'electronegativity.csv');
mkdirSync(outDir, { recursive: true });
rmSync(out, { force: true });

/** Lower-severity findings we keep on purpose, each with the reason. Key: CHECK@file. */
const EXPLAINED = {
  // Electronegativity cannot evaluate a CSP held in a constant; the policy is asserted by
  // src-main/app/window.test.ts and delivered as header and <meta> (electron.vite.config.ts).
  'CSP_GLOBAL_CHECK@app/window.ts': 'CSP comes from src-main/ipc/renderer-csp.ts, checked by unit tests',
  // sip:, sips: and tel: links are the product's purpose (click-to-call). Links are routed to the
  // dialer only after DialerService.normalizeDialTarget validated them; nothing is executed.
  'PROTOCOL_HANDLER_JS_CHECK@app/main.ts': 'click-to-call links, validated by DialerService',
  // The preload is the one contextBridge script, generated from the IPC contract (DESIGN.md rule 2).
  'PRELOAD_JS_CHECK@app/window.ts': 'the single contract-generated preload',
};

execFileSync(
  process.execPath,
  ['--import', new URL('./electronegativity-ordered-writes.mjs', import.meta.url).href, join(root, 'node_modules/@doyensec/electronegativity/dist/index.js'), '-i', join(root, 'src-main'), '-e', pkg.version, '-x', 'AvailableSecurityFixesGlobalCheck', '-o', out, '-r', '-v', 'false'],
  { stdio: ['ignore', 'ignore', 'inherit'] },
);

/** RFC 4180 rows: a quoted field may hold commas, doubled quotes and newlines (a CSP parse message does). */
function csvRows(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell.trim());
      cell = '';
    }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell.trim());
      if (row.some((x) => x !== '')) rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  row.push(cell.trim());
  if (row.some((x) => x !== '')) rows.push(row);
  return rows;
}

const findings = csvRows(readFileSync(out, 'utf8'))
  .slice(1)
  .map((cells) => ({ check: cells[0], severity: cells[1], confidence: cells[2], file: cells[3], location: cells[4] }));

let failed = false;
for (const f of findings) {
  // A row that does not start with a check's name means the report itself is damaged: never pass on it.
  if (!/^[A-Z0-9_]+$/.test(f.check ?? '')) {
    console.log(`electronegativity: the report is damaged (a row starts with ${JSON.stringify((f.check ?? '').slice(0, 30))}) → FAIL`);
    failed = true;
    continue;
  }
  const key = `${f.check}@${f.file}`;
  const severe = f.severity === 'HIGH' || f.severity === 'CRITICAL';
  const reason = EXPLAINED[key];
  const verdict = severe ? 'FAIL (high/critical)' : reason === undefined ? 'FAIL (unexplained)' : `kept: ${reason}`;
  if (severe || reason === undefined) failed = true;
  console.log(`electronegativity: ${f.severity.padEnd(8)} ${f.check} ${f.file}:${f.location} → ${verdict}`);
}
console.log(`electronegativity: ${findings.length} finding(s), ${findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL').length} high/critical`);
process.exit(failed ? 1 : 0);
