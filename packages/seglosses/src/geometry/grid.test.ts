import assert from 'node:assert/strict';
import { test } from 'node:test';

import { forEachRow, makeGrid } from './grid.js';

test('makeGrid: row-major strides, size and per-axis spacing', () => {
  const grid = makeGrid('t', 24, [2, 3, 4], [3, 2, 1]);
  assert.deepEqual(grid.strides, [12, 4, 1]);
  assert.equal(grid.size, 24);
  assert.deepEqual(grid.spacing, [3, 2, 1]);
  assert.deepEqual(makeGrid('t', 6, [2, 3], 0.5).spacing, [0.5, 0.5]);
  assert.deepEqual(makeGrid('t', 6, [2, 3]).spacing, [1, 1]);
});

test('forEachRow: visits the rows of a sub-box in row-major order', () => {
  // Shape [3, 4]: box rows 1..2, columns 1..3 → starts 5 and 9, length 2.
  const grid = makeGrid('t', 12, [3, 4]);
  const rows: number[][] = [];
  forEachRow(grid, [1, 1], [3, 3], (start, length) => rows.push([start, length]));
  assert.deepEqual(rows, [
    [5, 2],
    [9, 2],
  ]);
  // 3-D box [0..2) × [1..3) × [2..4) of shape [2, 3, 4]: starts 12a + 4b + 2.
  const grid3 = makeGrid('t', 24, [2, 3, 4]);
  const starts: number[] = [];
  forEachRow(grid3, [0, 1, 2], [2, 3, 4], (start, length) => {
    assert.equal(length, 2);
    starts.push(start);
  });
  assert.deepEqual(starts, [6, 10, 18, 22]);
  // An empty box visits nothing; a 1-D grid has one row.
  let visits = 0;
  forEachRow(grid, [1, 2], [1, 4], () => visits++);
  assert.equal(visits, 0);
  const line: number[][] = [];
  forEachRow(makeGrid('t', 5, [5]), [1], [4], (start, length) => line.push([start, length]));
  assert.deepEqual(line, [[1, 3]]);
});
