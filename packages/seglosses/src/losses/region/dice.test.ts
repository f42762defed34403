import assert from 'node:assert/strict';
import { test } from 'node:test';

import { createLoss } from '../../index.js';
import { tf } from '../../test-support/backends.js';
import { describeLossProperties } from '../../test-support/loss-properties.js';

describeLossProperties('dice', { perfectValue: 0 });
describeLossProperties('dice', {
  options: { includeBackground: false, batch: true },
  perfectValue: 0,
});
describeLossProperties('dice', {
  options: { activation: 'sigmoid' },
  channels: 1,
  perfectValue: 0,
});

test('dice: hand-computed value with probabilities given directly', () => {
  // One image, 2 pixels, 2 classes; p = [[0.8,0.2],[0.4,0.6]], t = [[1,0],[0,1]].
  // class 0: I = 0.8, P = 1.2, G = 1 → D = 1.6/2.2; class 1: I = 0.6, P = 0.8, G = 1 → D = 1.2/1.8
  const loss = createLoss('dice', { activation: 'none', smooth: 0 });
  const value = tf.tidy(
    () =>
      loss(
        tf.tensor3d([0, 1], [1, 1, 2], 'int32'),
        tf.tensor4d([0.8, 0.2, 0.4, 0.6], [1, 1, 2, 2]),
      ).dataSync()[0],
  );
  const expected = 1 - (1.6 / 2.2 + 1.2 / 1.8) / 2;
  assert.ok(Math.abs(value - expected) < 1e-6, `${value} vs ${expected}`);
});
