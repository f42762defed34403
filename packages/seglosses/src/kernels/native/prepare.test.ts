import assert from 'node:assert/strict';
import { test } from 'node:test';

import { distanceTransform } from '../../geometry/distance-transform.js';
import { prepareNativeKernels } from '../../index.js';
import { lossKernelsAvailable } from './loss-kernels.js';
import { nativeDistanceTransformAvailable } from '../../geometry/native-distance-transform.js';

test('prepareNativeKernels compiles both modules, after which they run', async () => {
  assert.equal(await prepareNativeKernels(), true);
  assert.equal(await prepareNativeKernels(), true); // idempotent
  assert.equal(lossKernelsAvailable(), true);
  assert.equal(nativeDistanceTransformAvailable(), true);
  assert.deepEqual(Array.from(distanceTransform([0, 1, 1, 1], [4])), [0, 1, 2, 3]);
});
