/**
 * The packages import as users import them: plain Node ESM in the repository, after `npm ci`
 * (whose `prepare` step builds dist/), with no loader and no source condition.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

test("import { createLoss } from 'seglosses' and the lab by name work in plain Node ESM", () => {
  const code = [
    "import * as tf from '@tensorflow/tfjs';",
    "import { createLoss, listLosses } from 'seglosses';",
    "import { UNet, labVersion } from '@seglosses/lab';",
    'await tf.ready(); // the lab registers the wasm backend, which initialises asynchronously',
    "const loss = createLoss('dice');",
    "const v = loss(tf.zeros([1, 2, 2], 'int32'), tf.zeros([1, 2, 2, 3])).dataSync()[0];",
    'console.log(JSON.stringify({ v, n: listLosses().length, unet: typeof UNet, labVersion }));',
  ].join('\n');
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim().split('\n').pop() as string);
  // Dice of uniform probabilities 1/3 against all-background: class 0 → 1 − (2·4/3)/(4/3 + 4),
  // classes 1, 2 → 1 − 1e-5/(4/3 + 1e-5); loss = their mean.
  const s = 1e-5;
  const expected = (1 - (8 / 3 + s) / (16 / 3 + s) + 2 * (1 - s / (4 / 3 + s))) / 3;
  assert.ok(Math.abs(out.v - expected) < 1e-5, `${out.v} vs ${expected}`);
  assert.ok(out.n >= 17);
  assert.equal(out.unet, 'function');
});

test('npx seglosses --help runs the CLI', () => {
  const run = spawnSync('npx', ['--no-install', 'seglosses', '--help'], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Usage: seglosses/);
  assert.match(run.stdout, /bench \[options\]/);
});
