/**
 * A self-contained `report.html` for a benchmark (no scripts, no external files): the survey's
 * tables (Dice and HD95 per class, means, mIoU), the training-loss curves as inline SVG, and the
 * configuration and empty-mask policy the numbers depend on.
 */
import type { ResultsFile } from '../bench/run-record.js';
import type { Table } from './results-table.js';
import { resultsTables } from './results-table.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function tableHtml(table: Table): string {
  const head = table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = table.rows
    .map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`)
    .join('\n');
  return `<h2>${escapeHtml(table.title)}</h2>\n<table><thead><tr>${head}</tr></thead>\n<tbody>${body}</tbody></table>`;
}

const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2'];

/** Training loss per epoch of every run, each normalised to its first epoch. */
function lossCurvesSvg(results: ResultsFile): string {
  const width = 640;
  const height = 260;
  const pad = 40;
  const epochs = Math.max(...results.runs.map((r) => r.trainLoss.length), 2);
  const x = (e: number) => pad + ((width - 2 * pad) * e) / (epochs - 1);
  const y = (v: number) => height - pad - (height - 2 * pad) * v;
  const lines = results.runs.map((run, i) => {
    const first = run.trainLoss[0] || 1;
    const points = run.trainLoss
      .map(
        (v, e) => `${x(e).toFixed(1)},${y(Math.min(Math.max(v / first, 0), 1.2) / 1.2).toFixed(1)}`,
      )
      .join(' ');
    const color = palette[i % palette.length];
    const label = `<text x="${width - pad + 4}" y="${pad + 14 * i}" fill="${color}" font-size="11">${escapeHtml(run.loss)}</text>`;
    return `<polyline fill="none" stroke="${color}" stroke-width="2" points="${points}"/>${label}`;
  });
  const axes =
    `<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#444"/>` +
    `<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#444"/>` +
    `<text x="${width / 2}" y="${height - 8}" font-size="11" text-anchor="middle">epoch</text>` +
    `<text x="12" y="${height / 2}" font-size="11" transform="rotate(-90 12 ${height / 2})" text-anchor="middle">loss / first-epoch loss</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 160}" height="${height}" role="img" aria-label="training loss curves">${axes}${lines.join('')}</svg>`;
}

/** The report as one HTML document. */
export function renderHtmlReport(results: ResultsFile): string {
  const tables = resultsTables(results).map(tableHtml).join('\n');
  const config = escapeHtml(JSON.stringify(results.config, null, 2));
  const times = results.runs
    .map(
      (r) => `<li>${escapeHtml(r.loss)}: ${r.steps} steps in ${r.trainSeconds.toFixed(1)} s</li>`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>seglosses benchmark</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin-bottom:1.5rem}
th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}
thead{background:#f3f3f3}
pre{background:#f7f7f7;padding:1rem;overflow:auto}
</style></head><body>
<h1>seglosses benchmark</h1>
<p>Dataset: ${escapeHtml(results.dataset.name)} — ${results.dataset.trainSlices} training slices,
${results.dataset.testSlices} held-out slices in ${results.dataset.testCases} cases,
${results.dataset.size.join('×')} pixels. Model: UNet, ${results.model.parameters} parameters.
Backend: ${escapeHtml(results.backend)}. Created ${escapeHtml(results.createdAt)}.</p>
<p>Empty-mask policy: <strong>${escapeHtml(results.emptyMaskPolicy)}</strong>. Background is
excluded from every mean; a dash marks a value the policy excluded.</p>
${tables}
<h2>Training loss</h2>
${lossCurvesSvg(results)}
<ul>${times}</ul>
<h2>Configuration</h2>
<pre>${config}</pre>
</body></html>
`;
}
