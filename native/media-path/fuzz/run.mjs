#!/usr/bin/env node
// The media path's packet fuzzer from the command line (see README.md in this folder):
//
//   node native/media-path/fuzz/run.mjs libfuzzer  [--runs 1000000] [--seed 1] [--max-len 4096] [--keep-corpus] [-- libFuzzer flags]
//   node native/media-path/fuzz/run.mjs standalone [--runs 100000] [--seed 1] [--max-len 4096] [--self-check]
//   node native/media-path/fuzz/run.mjs replay FILE...     (the standalone build replays inputs: reproducers)
//   node native/media-path/fuzz/run.mjs build             (both builds, nothing run)
//
// Builds go to native/media-path/fuzz/build/ (ignored by git). libFuzzer reads the seeds in
// corpus/ and writes what it finds to build/libfuzzer-corpus/ (emptied first unless
// --keep-corpus: a run's figures are then reproducible from the seeds), crashes to
// build/artifacts/. Each command ends with one JSON line of figures; the exit status is non-zero
// on a finding.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildFuzzer, corpusDir, fuzzDir, fuzzProblem, runStandalone, sanitizerEnv } from './build.mjs';

const outDir = join(fuzzDir, 'build');

function parseArgs(argv) {
  const opts = { runs: undefined, seed: 1, maxLen: 4096, keepCorpus: false, selfCheck: false, extra: [], files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      opts.extra = argv.slice(i + 1);
      break;
    }
    if (a === '--runs') opts.runs = Number(argv[++i]);
    else if (a === '--seed') opts.seed = Number(argv[++i]);
    else if (a === '--max-len') opts.maxLen = Number(argv[++i]);
    else if (a === '--keep-corpus') opts.keepCorpus = true;
    else if (a === '--self-check') opts.selfCheck = true;
    else opts.files.push(a);
  }
  return opts;
}

function requireBuildable(kind) {
  const problem = fuzzProblem(kind);
  if (problem !== undefined) {
    console.error(`cannot build the ${kind} fuzzer here: ${problem}`);
    process.exit(2);
  }
}

/** libFuzzer's last status line ("#N DONE cov: C ft: F corp: ... exec/s: E rss: R") and its "Done N runs in T second(s)". */
function libFuzzerFigures(log) {
  const lines = log.split('\n');
  const status = [...lines].reverse().find((l) => /^#\d+\s+(DONE|pulse|NEW|REDUCE|INITED)/.test(l)) ?? '';
  const num = (re, s = status) => {
    const m = re.exec(s);
    return m ? Number(m[1]) : undefined;
  };
  const done = lines.find((l) => /^Done \d+ runs in \d+ second/.test(l)) ?? '';
  // -print_final_stats=1: "stat::number_of_executed_units: N" and the like, also after an interrupt.
  const stat = (name) => num(new RegExp(`^stat::${name}:\\s+(\\d+)`, 'm'), log);
  return {
    inputs: stat('number_of_executed_units') ?? num(/^Done (\d+) runs/, done) ?? num(/^#(\d+)/),
    seconds: num(/in (\d+) second/, done),
    cov: num(/cov: (\d+)/),
    ft: num(/ft: (\d+)/),
    corpus: num(/corp: (\d+)/),
    execsPerSec: stat('average_exec_per_sec') ?? num(/exec\/s: (\d+)/),
    newUnits: stat('new_units_added'),
    slowestUnitSeconds: stat('slowest_unit_time_sec'),
    rssMb: stat('peak_rss_mb') ?? num(/rss: (\d+)Mb/),
    finalLine: status,
  };
}

async function libfuzzer(opts) {
  requireBuildable('libfuzzer');
  const runs = opts.runs ?? 1_000_000;
  const { binary } = buildFuzzer({ kind: 'libfuzzer', outDir });
  const work = join(outDir, 'libfuzzer-corpus');
  const artifacts = join(outDir, 'artifacts');
  if (!opts.keepCorpus) rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  mkdirSync(artifacts, { recursive: true });
  const before = new Set(readdirSync(artifacts));
  const args = [`-runs=${runs}`, `-seed=${opts.seed}`, `-max_len=${opts.maxLen}`, `-dict=${join(fuzzDir, 'packet.dict')}`, '-timeout=10', '-rss_limit_mb=2048', '-print_final_stats=1', `-artifact_prefix=${artifacts}/`, ...opts.extra, work, corpusDir];
  const command = `${binary} ${args.join(' ')}`;
  console.error(`$ ${command}`);
  const logFile = join(outDir, `libfuzzer-seed${opts.seed}.log`);
  const log = createWriteStream(logFile);
  let text = '';
  const started = Date.now();
  const child = spawn(binary, args, { env: sanitizerEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const take = (chunk) => {
    const s = chunk.toString();
    text += s;
    if (text.length > 4_000_000) text = text.slice(-2_000_000);
    log.write(s);
    process.stderr.write(s);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  log.end();
  const found = readdirSync(artifacts).filter((f) => !before.has(f));
  const figures = libFuzzerFigures(text);
  const summary = { build: 'libfuzzer', command, seed: opts.seed, maxLen: opts.maxLen, ...figures, wallSeconds: Math.round((Date.now() - started) / 100) / 10, exitCode: code, crashes: found.map((f) => join(artifacts, f)), log: logFile };
  console.log(JSON.stringify(summary));
  return code === 0 && found.length === 0 ? 0 : 1;
}

function standalone(opts) {
  requireBuildable('standalone');
  const { binary } = buildFuzzer({ kind: 'standalone', outDir, selfCheck: opts.selfCheck });
  const crashDir = join(outDir, 'artifacts');
  mkdirSync(crashDir, { recursive: true });
  const runs = opts.runs ?? 100_000;
  console.error(`$ ${binary} --runs ${runs} --seed ${opts.seed} --max-len ${opts.maxLen} --crash-dir ${crashDir} ${corpusDir}`);
  const r = runStandalone({ binary, runs, seed: opts.seed, maxLen: opts.maxLen, crashDir });
  process.stderr.write(r.stderr);
  console.log(JSON.stringify({ build: opts.selfCheck ? 'standalone-selfcheck' : 'standalone', ...(r.result ?? {}), status: r.status, signal: r.signal }));
  return r.status === 0 ? 0 : 1;
}

function replay(opts) {
  requireBuildable('standalone');
  if (opts.files.length === 0) {
    console.error('replay: give the input files');
    return 2;
  }
  const { binary } = buildFuzzer({ kind: 'standalone', outDir });
  const r = spawnSync(binary, opts.files, { env: sanitizerEnv(), stdio: 'inherit' });
  return r.status ?? 1;
}

const [command, ...rest] = process.argv.slice(2);
const opts = parseArgs(rest);
let status;
if (command === 'libfuzzer') status = await libfuzzer(opts);
else if (command === 'standalone') status = standalone(opts);
else if (command === 'replay') status = replay(opts);
else if (command === 'build') {
  requireBuildable('standalone');
  console.log(buildFuzzer({ kind: 'standalone', outDir }).binary);
  if (fuzzProblem('libfuzzer') === undefined) console.log(buildFuzzer({ kind: 'libfuzzer', outDir }).binary);
  status = 0;
} else {
  console.error('usage: node native/media-path/fuzz/run.mjs libfuzzer|standalone|replay|build [options] (see README.md)');
  status = 2;
}
process.exit(status);
