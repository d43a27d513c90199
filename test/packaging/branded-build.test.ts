/**
 * scripts/branded-build.mjs (docs/it-deployment.md, "Branded builds"): the electron-builder
 * overrides it derives from a provisioning file's `branding`, the documents it refuses (naming the
 * field), and a real offline `--dir` build with a stub Electron in a throw-away copy of the project
 * (hard links, so the checkout's build/provisioning.json is never touched while other tests run):
 * the bundled provisioning file is the given one, the app is named after the brand, and the
 * project's template is put back afterwards.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { extractFile } from '@electron/asar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOffline } from './offline-command.js';
import { createStubElectronDist } from './stub-electron-dist.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'scripts/branded-build.mjs');
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;

/** A solid-colour RGB PNG of the given size. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, body.length + 4);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, 0x40)]);
  const pixels = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(pixels)), chunk('IEND', Buffer.alloc(0))]);
}

describe('scripts/branded-build.mjs', () => {
  let work: string;
  let acme: string;

  beforeAll(() => {
    mkdirSync(join(root, '.tmp'), { recursive: true });
    work = mkdtempSync(join(root, '.tmp', 'branded-build-'));
    writeFileSync(join(work, 'acme-icon.png'), png(512, 512));
    writeFileSync(join(work, 'small.png'), png(64, 64));
    acme = join(work, 'acme.json');
    writeFileSync(acme, `${JSON.stringify({ version: 1, branding: { productName: 'ACME Phone', appId: 'com.acme.phone', icon: 'acme-icon.png', accentColor: '#c06010' } }, null, 2)}\n`);
  });

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  const branded = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });

  it('derives productName (also the packaged package.json’s), appId and the icon for every platform from `branding`', () => {
    const r = branded('--provisioning', acme, '--dry-run', '--', '--linux', 'deb');
    expect(r.status, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { copyTo: string; npmRunBuild: boolean; electronBuilder: string[] };
    const icon = join(work, 'acme-icon.png');
    expect(plan.electronBuilder).toEqual([
      '--config',
      'electron-builder.yml',
      '-c.productName=ACME Phone',
      '-c.extraMetadata.productName=ACME Phone',
      '-c.appId=com.acme.phone',
      `-c.mac.icon=${icon}`,
      `-c.win.icon=${icon}`,
      `-c.linux.icon=${icon}`,
      '--linux',
      'deb',
    ]);
    expect(plan.copyTo).toBe(join(root, 'build/provisioning.json'));
    expect(plan.npmRunBuild).toBe(true);
    // Without branding: the configuration's own name, id and icons.
    const plain = join(work, 'plain.json');
    writeFileSync(plain, '{ "version": 1 }\n');
    const p = branded('--provisioning', plain, '--dry-run', '--skip-build');
    expect((JSON.parse(p.stdout) as { electronBuilder: string[]; npmRunBuild: boolean }).electronBuilder).toEqual(['--config', 'electron-builder.yml']);
  });

  it.each([
    ['not JSON', '{ "version": 1, ', /is not JSON/],
    ['no version', { branding: {} }, /^branded-build: version: /m],
    ['a bad app id', { version: 1, branding: { appId: 'acme phone' } }, /branding\.appId: must be a reverse-DNS id/],
    ['a product name that is a path', { version: 1, branding: { productName: '../ACME' } }, /branding\.productName: must not contain/],
    ['a missing icon', { version: 1, branding: { icon: 'nowhere.png' } }, /branding\.icon: .*nowhere\.png does not exist/],
    ['an icon too small', { version: 1, branding: { icon: 'small.png' } }, /branding\.icon: .*64x64; at least 512x512/],
  ])('refuses %s, naming the field, and changes nothing', (_what, doc, message) => {
    const file = join(work, 'bad.json');
    writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
    const before = readFileSync(join(root, 'build/provisioning.json'));
    const r = branded('--provisioning', file, '--dry-run');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(readFileSync(join(root, 'build/provisioning.json'))).toEqual(before);
  });

  it('builds the branded app offline, bundles the given provisioning file and puts the template back', () => {
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first (npm test does)`);
    }
    // A copy of the project made of hard links (same file system: .tmp/ in the checkout).
    const project = join(work, 'project');
    mkdirSync(project);
    for (const f of ['package.json', 'package-lock.json', 'electron-builder.yml']) copyFileSync(join(root, f), join(project, f));
    cpSync(join(root, 'build'), join(project, 'build'), { recursive: true });
    execFileSync('cp', ['-al', join(root, 'node_modules'), join(root, 'native'), join(root, 'out'), project]);
    const template = readFileSync(join(project, 'build/provisioning.json'));
    const dist = createStubElectronDist(join(work, 'electron-dist'), electronVersion);
    const output = join(work, 'dist');
    const run = runOffline(
      process.execPath,
      [script, '--provisioning', acme, '--skip-build', '--project-dir', project, '--', '--dir', '--linux', `--${process.arch}`, `-c.electronDist=${dist}`, `-c.directories.output=${output}`],
      root,
    );
    console.log(`branded-build --dir: exit ${String(run.status)} in ${run.seconds.toFixed(1)} s, offline by ${run.isolation}`);
    expect(run.status, run.output).toBe(0);
    const resources = join(output, 'linux-unpacked', 'resources');
    expect(readFileSync(join(resources, 'provisioning.json'))).toEqual(readFileSync(acme));
    const pkg = JSON.parse(extractFile(join(resources, 'app.asar'), 'package.json').toString('utf8')) as { productName: string };
    expect(pkg.productName).toBe('ACME Phone');
    expect(readFileSync(join(project, 'build/provisioning.json'))).toEqual(template);
  }, 120_000);
});
