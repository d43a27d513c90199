import { describe, expect, it } from 'vitest';
import pkg from '../../package.json';
import type { CliIo } from './cli-io.js';
import { runCli } from './softphone.js';

function io(): CliIo & { out: string; err: string } {
  const state = { out: '', err: '' };
  return Object.assign(state, {
    stdout: { write: (s: string) => (state.out += s) },
    stderr: { write: (s: string) => (state.err += s) },
    env: {},
    cwd: process.cwd(),
  });
}

describe('softphone CLI entry', () => {
  it('--version prints the package version', async () => {
    const t = io();
    expect(await runCli(['--version'], t)).toBe(0);
    expect(t.out).toBe(`softphone ${pkg.version}\n`);
  });

  it('--help lists every command with its usage', async () => {
    const t = io();
    expect(await runCli(['--help'], t)).toBe(0);
    expect(t.out).toContain('Usage: softphone COMMAND');
    expect(t.out).toContain('web [--port N]');
  });

  it('an unknown command is a usage error (exit 2) with a hint', async () => {
    const t = io();
    expect(await runCli(['frobnicate'], t)).toBe(2);
    expect(t.err).toContain("unknown command 'frobnicate'");
  });

  it('no arguments prints help and exits 2', async () => {
    const t = io();
    expect(await runCli([], t)).toBe(2);
    expect(t.out).toContain('Commands:');
  });
});
