import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import type { BenchConfig } from './bench-config.js';
import { presets } from './bench-config.js';
import { runBench } from './run-bench.js';
import type { ResultsFile } from './run-record.js';

const tiny: BenchConfig = { ...presets.tiny, losses: ['cross-entropy', 'cross-entropy+dice'] };
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.ts');

function runCli(args: string[]) {
  return spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', cli, ...args], {
    encoding: 'utf8',
  });
}

test('bench: a tiny run writes results.json with the documented schema, and report.html', async () => {
  const out = mkdtempSync(join(tmpdir(), 'seglosses-bench-'));
  const results = await runBench(tiny, out);
  const file = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as ResultsFile;
  assert.deepEqual(file, JSON.parse(JSON.stringify(results)));
  assert.equal(file.schemaVersion, 1);
  assert.deepEqual(
    file.runs.map((r) => r.loss),
    tiny.losses,
  );
  assert.equal(file.emptyMaskPolicy, 'excludeBothEmpty');
  for (const run of file.runs) {
    assert.equal(run.trainLoss.length, tiny.epochs);
    assert.ok(run.trainLoss.every((v) => Number.isFinite(v) && v > 0));
    assert.equal(run.metrics.perClass.length, 8);
    assert.deepEqual(
      run.metrics.perClass.map((c) => c.name),
      file.dataset.classes.slice(1),
    );
    for (const key of ['meanDice', 'meanHd95', 'miou'] as const) {
      const v = run.metrics[key];
      assert.ok(v === null || Number.isFinite(v), `${key} = ${v}`);
    }
    assert.ok(
      run.metrics.meanDice !== null && run.metrics.meanDice >= 0 && run.metrics.meanDice <= 1,
    );
  }
  assert.deepEqual(file.runs[1].finalLossWeights, [1, 1]);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /<table>/);
  assert.match(html, /cross-entropy\+dice/);
  assert.match(html, /excludeBothEmpty/);
  assert.deepEqual(readdirSync(out).sort(), ['report.html', 'results.json']);
});

test('bench: a run that fails part-way leaves no results.json behind', async () => {
  const out = mkdtempSync(join(tmpdir(), 'seglosses-bench-'));
  // The second loss diverges to NaN immediately (a huge learning rate), which stops the run.
  const failing: BenchConfig = { ...tiny, losses: ['cross-entropy'], maxLr: 1e30 };
  await assert.rejects(runBench(failing, out), /became NaN|became Infinity/);
  assert.equal(existsSync(join(out, 'results.json')), false);
  assert.deepEqual(
    readdirSync(out).filter((f) => f.includes('results')),
    [],
  );
});

test('bench: refuses to overwrite an existing results.json', async () => {
  const out = mkdtempSync(join(tmpdir(), 'seglosses-bench-'));
  writeFileSync(join(out, 'results.json'), '{}');
  await assert.rejects(runBench(tiny, out), /results.json already exists/);
  assert.equal(readFileSync(join(out, 'results.json'), 'utf8'), '{}');
});

test('bench: worker threads give the same numbers as the main thread', async () => {
  const inline = await runBench({ ...tiny, workers: 1 }, mkdtempSync(join(tmpdir(), 'sb-')));
  const threaded = await runBench({ ...tiny, workers: 2 }, mkdtempSync(join(tmpdir(), 'sb-')));
  assert.deepEqual(
    threaded.runs.map((r) => [r.trainLoss, r.metrics]),
    inline.runs.map((r) => [r.trainLoss, r.metrics]),
  );
});

test('cli: --help documents every bench flag', () => {
  const help = runCli(['bench', '--help']);
  assert.equal(help.status, 0);
  for (const flag of [
    '--preset',
    '--losses',
    '--images',
    '--labels',
    '--label-map',
    '--classes',
    '--size',
    '--axis',
    '--epochs',
    '--batch-size',
    '--max-lr',
    '--weight-decay',
    '--seed',
    '--base-channels',
    '--depth',
    '--no-augment',
    '--backend',
    '--workers',
    '--empty-policy',
    '--out',
  ]) {
    assert.ok(help.stdout.includes(flag), `help lacks ${flag}`);
  }
});

test('cli: unknown flags, bad values and unknown losses fail with a clear message', () => {
  const unknown = runCli(['bench', '--epoch', '3']);
  assert.equal(unknown.status, 1);
  assert.match(unknown.stderr, /unknown option '--epoch'[\s\S]*--epochs/);
  const bad = runCli(['bench', '--epochs', 'abc']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--epochs.*expected an integer >= 1, got "abc"/);
  const loss = runCli(['bench', '--losses', 'dise']);
  assert.equal(loss.status, 1);
  assert.match(loss.stderr, /unknown loss "dise" \(did you mean "dice"\?\)/);
  const size = runCli(['bench', '--size', '30', '--depth', '4']);
  assert.equal(size.status, 1);
  assert.match(size.stderr, /--size must be divisible by 8 for --depth 4, got 30/);
});

test('cli: a tiny run prints the comparison table and where it wrote the results', () => {
  const out = mkdtempSync(join(tmpdir(), 'seglosses-cli-'));
  const run = runCli(['bench', '--preset', 'tiny', '--losses', 'dice', '--out', out]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Dice \(%\) on held-out slices/);
  assert.match(run.stdout, /HD95 \(mm\) on held-out slices/);
  assert.match(run.stdout, /^dice\s+\d+\.\d/m);
  assert.match(run.stdout, /wrote .*results\.json and .*report\.html/);
  assert.match(run.stderr, /dice {2}epoch 1\/1/);
  assert.ok(existsSync(join(out, 'results.json')));
});
