import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { ResultsFile } from '../bench/run-record.js';
import { renderHtmlReport } from './html-report.js';
import { formatTable, resultsTables } from './results-table.js';

const results = {
  schemaVersion: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  tool: { name: 'seglosses', version: '0' },
  backend: 'wasm',
  dataset: {
    name: 'x',
    classes: ['bg', 'a', 'b'],
    size: [8, 8],
    trainSlices: 2,
    testSlices: 1,
    testCases: 1,
  },
  model: { name: 'unet', parameters: 10, baseChannels: 2, depth: 2 },
  config: {},
  emptyMaskPolicy: 'excludeBothEmpty',
  runs: [
    {
      loss: 'dice<script>',
      metrics: {
        meanDice: 0.8125,
        meanHd95: 3.5,
        miou: 0.7,
        perClass: [
          { name: 'a', dice: 0.625, iou: 0.5, hd95: 7 },
          { name: 'b', dice: 1, iou: 1, hd95: null },
        ],
      },
      trainLoss: [1, 0.5],
      finalLossWeights: [],
      trainSeconds: 1,
      steps: 2,
    },
  ],
} as unknown as ResultsFile;

test('results tables: Dice in % with mean DSC and mIoU, HD95 in mm, dashes for null', () => {
  const [dice, hd] = resultsTables(results);
  assert.deepEqual(dice.header, ['loss', 'mean DSC', 'mIoU', 'a', 'b']);
  assert.deepEqual(dice.rows[0], ['dice<script>', '81.3', '70.0', '62.5', '100.0']);
  assert.deepEqual(hd.rows[0], ['dice<script>', '3.50', '7.00', '–']);
  const text = formatTable(hd).split('\n');
  assert.equal(text[0], 'HD95 (mm) on held-out slices');
  assert.equal(text[1].length, text[3].length);
});

test('html report: self-contained, escapes names, shows the policy', () => {
  const html = renderHtmlReport(results);
  assert.ok(!html.includes('<script>'));
  assert.match(html, /dice&#60;script&#62;/);
  assert.match(html, /excludeBothEmpty/);
  assert.match(html, /<svg /);
  assert.ok(!/src=|href=/.test(html), 'no external resources');
});
