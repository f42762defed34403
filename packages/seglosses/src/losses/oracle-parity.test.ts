/**
 * Runs every entry of the repository's `oracle-parity.json` on every case of its oracle variant,
 * on every test backend: reference = scale·ours + offset, and reference gradient = scale·ours'.
 * Also checks that every `required` variant of the covered oracle files has an entry.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';

import { createLoss } from '../index.js';
import { testBackends, tf, useBackend } from '../test-support/backends.js';
import {
  allOracleVariants,
  findOracleVariant,
  loadOracleCase,
  oracleDir,
  oracleTensors,
  toReferenceLayout,
} from '../test-support/oracles.js';
import { closeValue, gradRelTol, relativeMaxError } from '../test-support/tolerances.js';

interface ParityEntry {
  loss: string;
  options?: Record<string, unknown>;
  scale?: number;
  offset?: number;
  exclude?: Record<string, string>;
  excludeGradient?: Record<string, string>;
  /**
   * A reference value of null means the reference skips the step (e.g. the active boundary loss
   * returns None); ours must then give this documented value, with a zero gradient.
   */
  whenReferenceSkips?: number;
}

const repoRoot = join(oracleDir, '..', '..', '..', '..');
const parity = JSON.parse(readFileSync(join(repoRoot, 'oracle-parity.json'), 'utf8')) as Record<
  string,
  ParityEntry
>;

/** Oracle files whose losses are implemented; every required variant in them must be mapped. */
const coveredOracleFiles = [
  'cross_entropy.json',
  'topk.json',
  'focal.json',
  'dist_map_ce.json',
  'combo.json',
  'exp_log.json',
  'unified_focal.json',
  'dice.json',
  'log_cosh_dice.json',
  'gen_wasserstein_dice.json',
  'jaccard.json',
  'lovasz_softmax.json',
  'rmi.json',
  'robust_t_loss.json',
  'tversky.json',
  'focal_tversky.json',
  'sensitivity_specificity.json',
  'boundary_loss.json',
  'hausdorff_dt.json',
  'region_wise.json',
  'boundary_dou.json',
  'cldice.json',
  'active_boundary.json',
];

describe('oracle-parity.json covers every required variant of the implemented losses', () => {
  for (const variant of allOracleVariants()) {
    if (variant.requirement !== 'required' || !coveredOracleFiles.includes(variant.file)) continue;
    test(variant.variant, () => {
      assert.ok(variant.variant in parity, `${variant.variant} has no entry in oracle-parity.json`);
    });
  }
  test('no entry maps a known-wrong variant', () => {
    for (const name of Object.keys(parity)) {
      assert.notEqual(findOracleVariant(name).requirement, 'known-wrong', name);
    }
  });
});

for (const backend of testBackends) {
  describe(`oracle parity on ${backend}`, () => {
    before(() => useBackend(backend));
    for (const [name, entry] of Object.entries(parity)) {
      test(name, () => {
        const variant = findOracleVariant(name);
        const loss = createLoss(entry.loss, entry.options);
        const scale = entry.scale ?? 1;
        const offset = entry.offset ?? 0;
        let ran = 0;
        for (const result of variant.results) {
          if (entry.exclude?.[result.case] !== undefined) continue;
          const before = tf.memory().numTensors;
          const { yTrue, yPred } = oracleTensors(
            loadOracleCase(variant.file, result.case),
            variant.input,
          );
          const { value, grad } = tf.valueAndGrad((p: tf.Tensor) => loss(yTrue, p) as tf.Scalar)(
            yPred,
          );
          const ours = scale * value.dataSync()[0] + offset;
          if (result.value === null) {
            const skip = entry.whenReferenceSkips;
            assert.ok(skip !== undefined, `${name} ${result.case}: the reference skips the step`);
            assert.equal(ours, skip, `${name} ${result.case}: value when the reference skips`);
            assert.ok(
              grad.dataSync().every((g) => g === 0),
              `${name} ${result.case}: gradient not zero when the reference skips`,
            );
          } else {
            assert.ok(
              closeValue(ours, result.value),
              `${name} ${result.case}: value ${ours} vs reference ${result.value}`,
            );
          }
          if (entry.excludeGradient?.[result.case] === undefined && Array.isArray(result.grad)) {
            const ourGrad = tf.tidy(() => toReferenceLayout(tf.mul(grad, scale) as tf.Tensor4D));
            const error = relativeMaxError(ourGrad, result.grad);
            assert.ok(error <= gradRelTol, `${name} ${result.case}: gradient error ${error}`);
          }
          tf.dispose([yTrue, yPred, value, grad]);
          assert.equal(tf.memory().numTensors, before, `${name} ${result.case}: tensors leaked`);
          ran++;
        }
        loss.dispose();
        assert.ok(ran > 0, `${name}: every case excluded`);
      });
    }
  });
}
