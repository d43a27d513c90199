#!/usr/bin/env node
// A branded, preconfigured build from a provisioning file (docs/it-deployment.md, "Branded builds").
//
//   node scripts/branded-build.mjs --provisioning acme.json [--skip-build] [--dry-run]
//        [--project-dir DIR] [-- ELECTRON-BUILDER-ARGS...]
//
// 1. reads the provisioning document and checks the fields this script uses (`version`, and
//    `branding.productName`, `branding.appId`, `branding.icon`); the app checks the whole document
//    against its schema when it loads it, and refuses a bad one whole;
// 2. runs `npm run build` (unless --skip-build);
// 3. copies the document to build/provisioning.json, which electron-builder.yml bundles as the
//    extra resource `provisioning.json` (the first provisioning source the app reads);
// 4. runs electron-builder with command-line overrides of productName (also the packaged
//    package.json's, which names the app at run time), appId and the icon (`-c.productName=…
//    -c.extraMetadata.productName=… -c.appId=… -c.mac.icon=… -c.win.icon=… -c.linux.icon=…`) and any further
//    arguments given after `--` (targets such as `--linux deb`, `--win msi`, `--mac dmg`);
// 5. puts the previous build/provisioning.json back, so the checkout keeps its template.
//
// --dry-run prints what would be done as JSON and changes nothing. Exit status: electron-builder's;
// 2 for a usage error or a provisioning document this script cannot use.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const USAGE = 'usage: node scripts/branded-build.mjs --provisioning FILE [--skip-build] [--dry-run] [--project-dir DIR] [-- ELECTRON-BUILDER-ARGS...]';

/** An error in the provisioning document or the command line: reported without a stack, exit 2. */
class UsageError extends Error {}

/** Reverse-DNS application id, as macOS (CFBundleIdentifier) and electron-builder expect. */
const APP_ID = /^[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)+$/;
/** Characters a product name may not hold: it names files and folders (…/Secure Softphone.exe, /opt/…). */
const BAD_NAME_CHARS = /[\p{Cc}/\\:*?"<>|]/u;

/** Width and height of a PNG file, or null when it is not a PNG. */
function pngSize(bytes) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature)) return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/**
 * The branding this build applies, from a parsed provisioning document.
 * @param {unknown} doc @param {string} baseDir folder of the provisioning file (relative icon paths)
 * @returns {{ productName?: string, appId?: string, icon?: string }}
 */
export function brandingOf(doc, baseDir) {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError('the provisioning document must be a JSON object');
  const { version, branding } = /** @type {Record<string, unknown>} */ (doc);
  if (!Number.isInteger(version) || /** @type {number} */ (version) < 1) throw new UsageError('version: must be a whole number, 1 or more');
  if (branding === undefined) return {};
  if (branding === null || typeof branding !== 'object' || Array.isArray(branding)) throw new UsageError('branding: must be an object');
  const { productName, appId, icon } = /** @type {Record<string, unknown>} */ (branding);
  /** @type {{ productName?: string, appId?: string, icon?: string }} */
  const out = {};
  if (productName !== undefined) {
    if (typeof productName !== 'string' || productName.trim() !== productName || productName.length === 0 || productName.length > 64) {
      throw new UsageError('branding.productName: must be a string of 1 to 64 characters without leading or trailing spaces');
    }
    if (BAD_NAME_CHARS.test(productName)) throw new UsageError('branding.productName: must not contain control characters or any of / \\ : * ? " < > |');
    if (!/\p{L}/u.test(productName)) throw new UsageError('branding.productName: must contain a letter');
    out.productName = productName;
  }
  if (appId !== undefined) {
    if (typeof appId !== 'string' || !APP_ID.test(appId)) throw new UsageError('branding.appId: must be a reverse-DNS id such as com.acme.phone');
    out.appId = appId;
  }
  if (icon !== undefined) {
    if (typeof icon !== 'string' || icon.length === 0) throw new UsageError('branding.icon: must be the path of a PNG file');
    const path = resolve(baseDir, icon);
    if (!existsSync(path)) throw new UsageError(`branding.icon: ${path} does not exist`);
    const size = pngSize(readFileSync(path));
    if (size === null) throw new UsageError(`branding.icon: ${path} is not a PNG file`);
    if (size.width < 512 || size.height < 512) throw new UsageError(`branding.icon: ${path} is ${size.width}x${size.height}; at least 512x512 is needed (macOS)`);
    out.icon = path;
  }
  return out;
}

/** electron-builder's command-line overrides for a branding. */
export function overridesOf(branding) {
  const args = [];
  // extraMetadata: the packaged package.json's productName is the app's name at run time
  // (app.getName(): window title, menus, notifications, the user-data folder).
  if (branding.productName !== undefined) args.push(`-c.productName=${branding.productName}`, `-c.extraMetadata.productName=${branding.productName}`);
  if (branding.appId !== undefined) args.push(`-c.appId=${branding.appId}`);
  if (branding.icon !== undefined) args.push(`-c.mac.icon=${branding.icon}`, `-c.win.icon=${branding.icon}`, `-c.linux.icon=${branding.icon}`);
  return args;
}

function run(command, args, cwd) {
  const r = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      provisioning: { type: 'string' },
      'skip-build': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'project-dir': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.provisioning === undefined) throw new UsageError(`--provisioning is required\n${USAGE}`);
  const projectDir = resolve(values['project-dir'] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const source = resolve(values.provisioning);
  if (!existsSync(source)) throw new UsageError(`${source} does not exist`);
  const text = readFileSync(source, 'utf8');
  let doc;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source} is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const branding = brandingOf(doc, dirname(source));
  const target = join(projectDir, 'build', 'provisioning.json');
  const builderArgs = ['--config', 'electron-builder.yml', ...overridesOf(branding), ...positionals];
  if (values['dry-run']) {
    console.log(JSON.stringify({ projectDir, provisioning: source, copyTo: target, branding, npmRunBuild: !values['skip-build'], electronBuilder: builderArgs }, null, 2));
    return 0;
  }
  if (!values['skip-build']) {
    const status = run(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', 'build'], projectDir);
    if (status !== 0) return status;
  }
  const previous = existsSync(target) ? readFileSync(target) : null;
  const restore = () => {
    if (previous === null) rmSync(target, { force: true });
    else writeFileSync(target, previous);
  };
  const onSignal = (signal) => {
    restore();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    copyFileSync(source, target);
    console.log(`branded-build: ${source} → ${target}; electron-builder ${builderArgs.join(' ')}`);
    return run(process.execPath, [join(projectDir, 'node_modules', 'electron-builder', 'cli.js'), ...builderArgs], projectDir);
  } finally {
    restore();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError || (e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))) {
      console.error(`branded-build: ${e.message}`);
      process.exitCode = 2;
    } else {
      throw e;
    }
  }
}
