/**
 * `npm run bench:geometry`: seglosses' exact distance transform and HD95 against SciPy's
 * `distance_transform_edt` and a MedPy-style HD95 (NumPy/SciPy), on the same masks.
 *
 *   npm run bench:geometry -- [--repeats 15] [--repeats3d 5] [--rounds 3]
 *
 * Masks (seeded) are written to a temporary directory as raw uint8 files; the SciPy peer
 * (bench/peers/geometry_peer.py, /usr/bin/python3) times the same jobs and writes its EDTs back,
 * and the script checks that both sides agree (max |difference| ≤ 1e-5) before printing
 * Markdown tables of median milliseconds and the ratio seglosses/SciPy (below 1: faster).
 * Both sides are single-threaded. The machine may be shared, so the two sides take turns for
 * `--rounds` rounds and each median pools the timed runs of every round: a burst of load then
 * hits both sides rather than one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { createRandom } from '../packages/lab/src/util/random.js';
import { distanceTransform } from '../packages/seglosses/src/geometry/index.js';
import { hausdorffDistance95 } from '../packages/seglosses/src/metrics/index.js';
import { describeEnvironment, loadNow, probePython, runPeer } from './support/environment.js';
import { markdownTable, median, msText, ratioText, timeCalls } from './support/measure.js';

interface Job {
  kind: 'edt' | 'hd95';
  name: string;
  shape: number[];
  spacing: number[];
  warmUp: number;
  repeats: number;
  mask?: string;
  pred?: string;
  target?: string;
}

interface PeerResult {
  ms: number[];
  value: number | null;
}

/** 1 inside a union of `count` random axis-aligned ellipsoids, 0 outside. */
function ellipsoids(shape: readonly number[], count: number, scale: number, seed: number) {
  const random = createRandom(seed);
  const mask = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  const rank = shape.length;
  for (let e = 0; e < count; e++) {
    const centre = shape.map((n) => random.next() * n);
    const radius = shape.map((n) => Math.max(1, (0.3 + 0.7 * random.next()) * scale * n));
    const coords = new Array<number>(rank).fill(0);
    for (let i = 0; i < mask.length; i++) {
      let r2 = 0;
      for (let axis = 0; axis < rank; axis++) {
        const d = (coords[axis] - centre[axis]) / radius[axis];
        r2 += d * d;
      }
      if (r2 <= 1) mask[i] = 1;
      for (let axis = rank - 1; axis >= 0; axis--) {
        if (++coords[axis] < shape[axis]) break;
        coords[axis] = 0;
      }
    }
  }
  return mask;
}

/** Non-zero except for a random `rate` of zeros (at least one). */
function sparseZeros(shape: readonly number[], rate: number, seed: number): Uint8Array {
  const random = createRandom(seed);
  const mask = new Uint8Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < mask.length; i++) mask[i] = random.next() < rate ? 0 : 1;
  mask[random.int(mask.length)] = 0;
  return mask;
}

/** `mask` shifted by one element along every axis (cyclically) with `flips` toggled elements. */
function perturbed(mask: Uint8Array, shape: readonly number[], flips: number, seed: number) {
  const random = createRandom(seed);
  const out = new Uint8Array(mask.length);
  let shift = 0;
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    shift += stride;
    stride *= shape[axis];
  }
  for (let i = 0; i < mask.length; i++) out[(i + shift) % mask.length] = mask[i];
  for (let f = 0; f < flips; f++) out[random.int(mask.length)] ^= 1;
  return out;
}

function invert(mask: Uint8Array): Uint8Array {
  return mask.map((v) => 1 - v);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      repeats: { type: 'string', default: '15' },
      repeats3d: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
    },
  });
  const repeats2 = Number(values.repeats);
  const repeats3 = Number(values.repeats3d);
  const rounds = Number(values.rounds);
  const peer = probePython(['numpy', 'scipy']);
  const dir = mkdtempSync(join(tmpdir(), 'seglosses-bench-geometry-'));
  try {
    const shape2 = [512, 512];
    const shape3 = [96, 256, 256];
    const spacing2 = [0.8, 0.8];
    const spacing3 = [2.5, 0.8, 0.8];
    const t2 = { warmUp: 2, repeats: repeats2 };
    const t3 = { warmUp: 1, repeats: repeats3 };
    const masks = new Map<string, Uint8Array>();
    const jobs: Job[] = [];
    const addEdt = (name: string, shape: number[], spacing: number[], mask: Uint8Array, t = t2) => {
      masks.set(`${name}.u8`, mask);
      jobs.push({ kind: 'edt', name, shape, spacing, mask: `${name}.u8`, ...t });
    };
    const addHd = (name: string, shape: number[], spacing: number[], seed: number, t = t2) => {
      const target = ellipsoids(shape, 3, 0.2, seed);
      const pred = perturbed(target, shape, Math.round(target.length / 2000), seed + 1);
      masks.set(`${name}.pred.u8`, pred);
      masks.set(`${name}.target.u8`, target);
      const files = { pred: `${name}.pred.u8`, target: `${name}.target.u8` };
      jobs.push({ kind: 'hd95', name, shape, spacing, ...files, ...t });
    };
    addEdt('EDT 2D 512×512 blobs', shape2, spacing2, invert(ellipsoids(shape2, 6, 0.1, 11)));
    addEdt('EDT 2D 512×512 sparse zeros', shape2, [1, 1], sparseZeros(shape2, 0.001, 12));
    addEdt(
      'EDT 3D 96×256×256 blobs',
      shape3,
      spacing3,
      invert(ellipsoids(shape3, 6, 0.12, 13)),
      t3,
    );
    addEdt('EDT 3D 96×256×256 sparse', shape3, spacing3, sparseZeros(shape3, 0.0005, 14), t3);
    addHd('HD95 2D 512×512', shape2, spacing2, 21);
    addHd('HD95 3D 96×256×256', shape3, spacing3, 22, t3);
    for (const [file, mask] of masks) writeFileSync(join(dir, file), mask);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(jobs));

    // Fields go to files rather than staying in memory: holding 100 MB of results would make
    // every later allocation pay for garbage collection, which is the harness's cost, not ours.
    const ours = new Map<string, { ms: number[]; value: number | null }>();
    const theirs = new Map<string, PeerResult>();
    const read = (file: string) => new Uint8Array(readFileSync(join(dir, file)));
    for (let round = 0; round < rounds; round++) {
      for (const job of jobs) {
        const mine = ours.get(job.name) ?? { ms: [], value: null };
        if (job.kind === 'edt') {
          const mask = read(job.mask as string);
          let field: Float64Array = new Float64Array(0);
          const ms = timeCalls(() => {
            field = distanceTransform(mask, job.shape, { spacing: job.spacing });
          }, job);
          if (round === 0) writeFileSync(join(dir, `${job.name}.ours.f64`), field);
          ours.set(job.name, { ms: [...mine.ms, ...ms], value: null });
        } else {
          const pred = read(job.pred as string);
          const target = read(job.target as string);
          let value = NaN;
          const ms = timeCalls(() => {
            value = hausdorffDistance95(pred, target, job.shape, { spacing: job.spacing });
          }, job);
          ours.set(job.name, { ms: [...mine.ms, ...ms], value });
        }
        const latest = median(ours.get(job.name)?.ms ?? []);
        process.stderr.write(`  round ${round + 1} seglosses ${job.name}: ${msText(latest)} ms\n`);
      }
      if (peer.missing !== null) continue;
      const result = runPeer<Record<string, PeerResult>>('geometry_peer.py', dir, 1);
      for (const [name, r] of Object.entries(result)) {
        theirs.set(name, { ms: [...(theirs.get(name)?.ms ?? []), ...r.ms], value: r.value });
      }
    }
    if (peer.missing !== null) process.stderr.write(`SciPy side skipped: ${peer.missing}\n`);

    const rows = jobs.map((job) => {
      const mine = ours.get(job.name) as { ms: number[]; value: number | null };
      const other = theirs.get(job.name);
      let agreement = '—';
      if (other !== undefined && job.kind === 'edt') {
        const readField = (file: string) => new Float64Array(readFileSync(join(dir, file)).buffer);
        const reference = readField(`${job.name}.scipy.f64`);
        const field = readField(`${job.name}.ours.f64`);
        let worst = 0;
        for (let i = 0; i < reference.length; i++) {
          worst = Math.max(worst, Math.abs(field[i] - reference[i]));
        }
        agreement = worst.toExponential(1);
      } else if (other !== undefined) {
        agreement = Math.abs((mine.value as number) - (other.value as number)).toExponential(1);
      }
      const oursMs = median(mine.ms);
      const theirMs = other === undefined ? null : median(other.ms);
      return [
        job.name,
        `${job.spacing.join('×')}`,
        msText(oursMs),
        msText(theirMs),
        ratioText(oursMs, theirMs),
        agreement,
        `${rounds}×${job.repeats}`,
      ];
    });
    console.log(describeEnvironment(peer, [`load average at end: ${loadNow()}`]));
    console.log();
    console.log(
      markdownTable(
        ['case', 'spacing', 'seglosses ms', 'SciPy ms', 'ratio', 'max |Δ|', 'runs'],
        rows,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
