import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';

describeLossProperties('cross-entropy', { perfectValue: 0 });
describeLossProperties('cross-entropy', { options: { classWeights: [1, 2, 3] }, perfectValue: 0 });
describeLossProperties('cross-entropy', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});

test('cross-entropy: hand-computed value of a 1-pixel, 2-class case', () => {
  // logits (0, ln 3): p = (1/4, 3/4); true class 1 → −ln(3/4).
  const loss = createLoss('cross-entropy');
  const value = tf.tidy(() =>
    loss(
      tf.tensor3d([1], [1, 1, 1], 'int32'),
      tf.tensor4d([0, Math.log(3)], [1, 1, 1, 2]),
    ).dataSync(),
  );
  assert.ok(Math.abs(value[0] + Math.log(0.75)) < 1e-6);
});

test('cross-entropy: reduction none gives [B,H,W] with 0 at ignored pixels', () => {
  const loss = createLoss('cross-entropy', { reduction: 'none' });
  const out = tf.tidy(() => {
    const r = loss(tf.tensor3d([0, 255], [1, 1, 2], 'int32'), tf.zeros([1, 1, 2, 2]));
    return { shape: r.shape, values: Array.from(r.dataSync()) };
  });
  assert.deepEqual(out.shape, [1, 1, 2]);
  assert.ok(Math.abs(out.values[0] - Math.log(2)) < 1e-6);
  assert.ok(out.values[1] === 0, `ignored pixel gave ${out.values[1]}`);
});
