/**
 * The comparison tables of a benchmark as rows of cells — shared by the terminal table and the
 * HTML report: Dice per class with mean DSC and mIoU, and HD95 per class with its mean.
 */
import type { ResultsFile } from '../bench/run-record.js';

export interface Table {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const dash = '–';

/** A Dice or IoU as a percentage with one decimal. */
export function percent(value: number | null): string {
  return value === null ? dash : (100 * value).toFixed(1);
}

/** A distance in mm with two decimals. */
export function millimetres(value: number | null): string {
  return value === null ? dash : value.toFixed(2);
}

/** The survey-style tables of a results file. */
export function resultsTables(results: ResultsFile): Table[] {
  const classNames = results.runs[0]?.metrics.perClass.map((c) => c.name) ?? [];
  const dice: Table = {
    title: 'Dice (%) on held-out slices',
    header: ['loss', 'mean DSC', 'mIoU', ...classNames],
    rows: results.runs.map((run) => [
      run.loss,
      percent(run.metrics.meanDice),
      percent(run.metrics.miou),
      ...run.metrics.perClass.map((c) => percent(c.dice)),
    ]),
  };
  const hd95: Table = {
    title: 'HD95 (mm) on held-out slices',
    header: ['loss', 'mean HD95', ...classNames],
    rows: results.runs.map((run) => [
      run.loss,
      millimetres(run.metrics.meanHd95),
      ...run.metrics.perClass.map((c) => millimetres(c.hd95)),
    ]),
  };
  return [dice, hd95];
}

/** A table as aligned plain text (first column left-aligned, the others right-aligned). */
export function formatTable(table: Table): string {
  const all = [table.header, ...table.rows];
  const widths = table.header.map((_, col) => Math.max(...all.map((row) => row[col]?.length ?? 0)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col])))
      .join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [table.title, line(table.header), rule, ...table.rows.map(line)].join('\n');
}
