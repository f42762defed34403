/**
 * The TypeScript half of scripts/check-distance-transform.py: reads the masks the Python script
 * wrote to a directory, runs seglosses' distance transform, signed distance map and surface
 * metrics on them, and writes the results back for comparison with SciPy.
 *
 * Usage (normally spawned by the Python script): node --import tsx
 *   scripts/check-distance-transform.ts <dir>
 * <dir>/manifest.json lists the jobs; outputs go to <dir>/<name>.f64 and <dir>/results.json.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { distanceTransform, signedDistanceMap } from '../packages/seglosses/src/geometry/index.js';
import type { Connectivity } from '../packages/seglosses/src/geometry/index.js';
import {
  averageSymmetricSurfaceDistance,
  hausdorffDistance95,
} from '../packages/seglosses/src/metrics/index.js';

interface FieldJob {
  kind: 'edt' | 'sdm';
  name: string;
  shape: number[];
  spacing: number[];
  mask: string;
  repeats: number;
}

interface SurfaceJob {
  kind: 'surface';
  name: string;
  shape: number[];
  spacing: number[];
  connectivity: Connectivity;
  pred: string;
  target: string;
}

type Job = FieldJob | SurfaceJob;

const dir = process.argv[2];
if (dir === undefined) {
  console.error('usage: node --import tsx scripts/check-distance-transform.ts <dir>');
  process.exit(2);
}
const jobs = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Job[];
const readMask = (file: string): Uint8Array => new Uint8Array(readFileSync(join(dir, file)));

const results: Record<string, unknown> = {};
for (const job of jobs) {
  if (job.kind === 'surface') {
    const pred = readMask(job.pred);
    const target = readMask(job.target);
    const common = { spacing: job.spacing, connectivity: job.connectivity };
    results[job.name] = {
      hd95: hausdorffDistance95(pred, target, job.shape, common),
      hd100: hausdorffDistance95(pred, target, job.shape, { ...common, percentile: 100 }),
      hd50: hausdorffDistance95(pred, target, job.shape, { ...common, percentile: 50 }),
      assd: averageSymmetricSurfaceDistance(pred, target, job.shape, common),
      assdPooled: averageSymmetricSurfaceDistance(pred, target, job.shape, {
        ...common,
        average: 'pooled',
      }),
    };
    continue;
  }
  const mask = readMask(job.mask);
  const run = job.kind === 'edt' ? distanceTransform : signedDistanceMap;
  const times: number[] = [];
  let out: Float64Array = new Float64Array(0);
  for (let r = 0; r < job.repeats; r++) {
    const start = performance.now();
    out = run(mask, job.shape, { spacing: job.spacing });
    times.push(performance.now() - start);
  }
  writeFileSync(join(dir, `${job.name}.f64`), out);
  results[job.name] = { ms: times };
}
writeFileSync(join(dir, 'results.json'), JSON.stringify(results));
