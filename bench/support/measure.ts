/**
 * Timing and memory measurements shared by the benchmark scripts: medians of repeated runs,
 * the process's resident-set high-water mark (resettable on Linux), and ratio formatting.
 *
 * Timings are wall-clock medians after warm-up runs; the machine is shared, so a median of
 * several repetitions, not a single run, is what the tables report.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: values must be non-empty, got []');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface TimingOptions {
  /** Untimed calls first (JIT, kernel set-up, heap growth). */
  readonly warmUp: number;
  /** Timed calls; the median is reported. */
  readonly repeats: number;
}

/** Wall-clock milliseconds of each timed call of `run`. */
export function timeCalls(run: () => void, options: TimingOptions): number[] {
  for (let i = 0; i < options.warmUp; i++) run();
  const times: number[] = [];
  for (let i = 0; i < options.repeats; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times;
}

/** `VmHWM` (peak resident set) or `VmRSS` of this process in MiB, from /proc (Linux). */
function procStatusMiB(field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(status);
    return match === null ? null : Number(match[1]) / 1024;
  } catch {
    return null;
  }
}

/** Peak resident set size of this process so far, in MiB (since the last reset). */
export function peakRssMiB(): number {
  return procStatusMiB('VmHWM') ?? process.resourceUsage().maxRSS / 1024;
}

/** Current resident set size, in MiB. */
export function rssMiB(): number {
  return procStatusMiB('VmRSS') ?? process.memoryUsage().rss / 2 ** 20;
}

/**
 * Resets the peak-RSS counter to the current RSS (Linux: writing 5 to /proc/self/clear_refs), so
 * the next `peakRssMiB` is the peak of what runs in between. Returns false where unsupported;
 * the peak then covers the whole process.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/** `a/b` as e.g. `0.84`, or `—` when either side is missing. */
export function ratioText(a: number | null | undefined, b: number | null | undefined): string {
  if (a === null || a === undefined || b === null || b === undefined || !(b > 0)) return '—';
  return (a / b).toFixed(2);
}

/** Milliseconds with a precision that suits their size, `—` when missing. */
export function msText(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** A Markdown table (pipes, header rule), columns after the first right-aligned. */
export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map((r) => (r[col] ?? '').length)));
  const line = (cells: readonly string[]) =>
    '| ' +
    cells
      .map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col])))
      .join(' | ') +
    ' |';
  const rule = widths.map((w, col) => (col === 0 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':'));
  return [line(header), '| ' + rule.join(' | ') + ' |', ...rows.map(line)].join('\n');
}
