/**
 * electron-builder.yml through electron-builder's own loading and validation (issue 14,
 * acceptance 4, first half), offline and in-process: `Packager.build()` is the path the CLI takes
 * (getConfig: the YAML, package.json, defaults; validateConfiguration: app-builder-lib's
 * scheme.json with ajv; the package.json checks), stopped where it would start packaging. Then the
 * effective configuration is asserted: protocol handlers, the macOS microphone entitlement and
 * usage string, the extra resources, the unpacked native addons, npmRebuild and the fuses, and the
 * .desktop entry electron-builder writes into the AppImage and the deb.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LinuxPackager, Packager, Platform } from 'app-builder-lib';
import type { Configuration } from 'app-builder-lib';
import { LinuxTargetHelper } from 'app-builder-lib/out/targets/LinuxTargetHelper.js';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const plist = createRequire(import.meta.url)('plist') as { parse(xml: string): unknown };

/** Thrown by the platform packager factory to stop the build right after configuration. */
class StopAfterConfiguration extends Error {}

interface Loaded {
  readonly config: Configuration;
  readonly linux: LinuxPackager;
}

/**
 * Loads and validates like `electron-builder --linux --dir` would: `config` is the file, or an
 * object merged over it (as `-c.…` options are). Never packages: the factory that would create the
 * Linux packager for the build keeps it and stops the build.
 */
function packagerFor(config: Configuration | string): { packager: Packager; linux: () => LinuxPackager } {
  let linux: LinuxPackager | undefined;
  const packager = new Packager({
    projectDir: root,
    config,
    targets: Platform.LINUX.createTarget('dir'),
    platformPackagerFactory: (info) => {
      linux = new LinuxPackager(info);
      throw new StopAfterConfiguration();
    },
  });
  return {
    packager,
    linux: () => {
      if (linux === undefined) throw new Error('the Linux packager was not created');
      return linux;
    },
  };
}

async function loadValidated(): Promise<Loaded> {
  const { packager, linux } = packagerFor('electron-builder.yml');
  await expect(packager.build()).rejects.toBeInstanceOf(StopAfterConfiguration);
  return { config: packager.config, linux: linux() };
}

function entitlements(file: string): Record<string, unknown> {
  return plist.parse(readFileSync(join(root, file), 'utf8')) as Record<string, unknown>;
}

describe('electron-builder.yml', () => {
  let loaded: Loaded;
  beforeAll(async () => {
    loaded = await loadValidated();
  });

  it("passes electron-builder's configuration validation (scheme.json), which does reject an unknown option", async () => {
    expect(loaded.config.appId).toBe('com.example.securesoftphone');
    expect(loaded.config.productName).toBe('Secure Softphone');
    // The same loader with one misspelt option merged over the file (as `-c.mac.microphoneUsage=…`
    // would) is refused, naming the section: so the pass above means something.
    const bad = packagerFor({ mac: { microphoneUsage: 'x' } } as unknown as Configuration);
    await expect(bad.packager.build()).rejects.toThrow(/Invalid configuration object[\s\S]*configuration\.mac /);
  });

  it('declares sip:, sips: and tel: for every platform, and the Linux .desktop entry carries them as x-scheme-handler MIME types', async () => {
    const schemes = [loaded.config.protocols ?? []].flat().flatMap((p) => p.schemes);
    expect(schemes.sort()).toEqual(['sip', 'sips', 'tel']);
    const desktop = await new LinuxTargetHelper(loaded.linux).computeDesktopEntry(loaded.linux.platformSpecificBuildOptions);
    const mime = /^MimeType=(.*)$/m.exec(desktop)?.[1]?.split(';').filter((m) => m !== '');
    expect(mime?.sort()).toEqual(['x-scheme-handler/sip', 'x-scheme-handler/sips', 'x-scheme-handler/tel']);
    expect(desktop).toMatch(/^Exec=.* %U$/m);
    expect(desktop).toMatch(/^Categories=Network;Telephony;$/m);
    // Windows: the NSIS installer registers the three schemes under SHCTX (HKLM when per-machine).
    const include = loaded.config.nsis?.include;
    expect(include).toBe('build/installer.nsh');
    const nsh = readFileSync(join(root, String(include)), 'utf8');
    for (const scheme of ['sip', 'sips', 'tel']) expect(nsh).toContain(`!insertmacro softphoneRegisterScheme "${scheme}"`);
    expect(nsh).toContain('WriteRegStr SHCTX "Software\\Classes\\${SCHEME}" "URL Protocol" ""');
  });

  it('macOS: dmg and zip, hardened runtime, the microphone usage string and the audio-input and JIT entitlements', () => {
    const mac = loaded.config.mac;
    expect(mac?.target).toEqual(['dmg', 'zip']);
    expect(mac?.hardenedRuntime).toBe(true);
    const usage = (mac?.extendInfo as Record<string, unknown> | undefined)?.NSMicrophoneUsageDescription;
    expect(typeof usage === 'string' && /microphone/i.test(usage)).toBe(true);
    for (const file of [mac?.entitlements, mac?.entitlementsInherit]) {
      expect(typeof file).toBe('string');
      const granted = entitlements(String(file));
      expect(granted['com.apple.security.device.audio-input']).toBe(true);
      expect(granted['com.apple.security.cs.allow-jit']).toBe(true);
      // Library validation stays on: electron-builder signs every Mach-O in the bundle itself.
      expect(granted['com.apple.security.cs.disable-library-validation']).toBeUndefined();
    }
  });

  it('Windows: an NSIS installer and an MSI, both per-machine', () => {
    expect(loaded.config.win?.target).toEqual(['nsis', 'msi']);
    expect(loaded.config.nsis).toMatchObject({ oneClick: false, perMachine: true });
    expect(loaded.config.msi).toMatchObject({ perMachine: true });
    // The silent-install flags IT needs are documented.
    const doc = readFileSync(join(root, 'docs/it-deployment.md'), 'utf8');
    for (const flag of ['/S', '/D=', 'msiexec', '/qn', 'ALLUSERS=1', 'APPLICATIONFOLDER=']) expect(doc).toContain(flag);
  });

  it('Linux: AppImage and deb', () => {
    expect(loaded.config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(loaded.config.deb?.depends).toContain('libasound2t64 | libasound2');
  });

  it('bundles build/provisioning.json as resources/provisioning.json, a template with no accounts', () => {
    expect([loaded.config.extraResources].flat()).toContainEqual({ from: 'build/provisioning.json', to: 'provisioning.json' });
    const template = JSON.parse(readFileSync(join(root, 'build/provisioning.json'), 'utf8')) as Record<string, unknown>;
    expect(template.version).toBe(1);
    expect(template.accounts ?? []).toEqual([]);
  });

  it('unpacks the native addons from the asar and does not rebuild them (they are Node-API)', () => {
    expect(loaded.config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/node_modules/naudiodon/**',
        '**/node_modules/@discordjs/opus/**',
        '**/node_modules/@softphone/speexdsp-aec/**',
        '**/node_modules/@softphone/media-path/**',
        '**/node_modules/segfault-handler/**',
      ]),
    );
    expect(loaded.config.asar).toBe(true);
    expect(loaded.config.npmRebuild).toBe(false);
    expect(loaded.config.afterPack).toBe('build/after-pack.mjs');
    expect(existsSync(join(root, 'build/after-pack.mjs'))).toBe(true);
  });

  it('sets the Electron fuses: no run-as-node, NODE_OPTIONS or --inspect; cookie encryption, ASAR integrity, app only from the ASAR', () => {
    expect(loaded.config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
  });
});
