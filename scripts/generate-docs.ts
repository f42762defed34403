/**
 * Generates docs/losses.md and the loss table of README.md from the loss registry and
 * oracle-parity.json. `--check` fails (exit 1) when either file is out of date, instead of
 * writing; the test command runs it that way.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bibliography, cite, listLosses } from 'seglosses';
import type { BibKey, LossInfo, OptionSpec } from 'seglosses';

const root = process.cwd();
const check = process.argv.includes('--check');

interface ParityEntry {
  loss: string;
  options?: Record<string, unknown>;
  scale?: number;
  offset?: number;
}

interface OracleReference {
  variant: string;
  repo: string;
  function: string;
  call: string;
  requirement: string;
}

const parity = JSON.parse(readFileSync(join(root, 'oracle-parity.json'), 'utf8')) as Record<
  string,
  ParityEntry
>;

function oracleReferences(): Map<string, OracleReference> {
  const dir = join(root, 'packages/seglosses/test-fixtures/oracles');
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== 'no_reference.json')
    .sort();
  const map = new Map<string, OracleReference>();
  for (const name of names) {
    const file = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
      references?: OracleReference[];
    };
    for (const reference of file.references ?? []) map.set(reference.variant, reference);
  }
  return map;
}

const families: Record<LossInfo['category'], string> = {
  pixel: 'Pixel-level',
  region: 'Region-level',
  boundary: 'Boundary-level',
  combination: 'Combination',
};

function optionText(spec: OptionSpec): { type: string; range: string } {
  switch (spec.type) {
    case 'number':
    case 'integer': {
      const low = spec.min === undefined ? '−∞' : String(spec.min);
      const high = spec.max === undefined ? '∞' : String(spec.max);
      const open = spec.type === 'number' && spec.exclusiveMin ? '(' : '[';
      const nullable = spec.type === 'integer' && spec.nullable ? ' or null' : '';
      return { type: spec.type, range: `${open}${low}, ${high}]${nullable}` };
    }
    case 'boolean':
      return { type: 'boolean', range: 'true, false' };
    case 'enum':
      return { type: 'enum', range: spec.values.map((v) => `\`${v}\``).join(', ') };
    case 'numbers':
      return {
        type: 'number[]',
        range: spec.min === undefined ? 'or null' : `entries ≥ ${spec.min}, or null`,
      };
    case 'matrix':
      return { type: 'number[][]', range: 'C×C, or null' };
  }
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function lossSection(loss: LossInfo, references: Map<string, OracleReference>): string {
  const lines: string[] = [];
  lines.push(`### \`${loss.name}\` — ${loss.title}`, '', loss.summary, '');
  lines.push('$$', loss.formula, '$$', '');
  if (loss.symbols) lines.push(loss.symbols, '');
  lines.push(`- **When to use:** ${loss.whenToUse}`);
  lines.push(`- **Pros:** ${loss.pros.join('; ')}.`);
  lines.push(`- **Cons:** ${loss.cons.join('; ')}.`);
  lines.push(`- **Unreduced shape** (\`reduction: 'none'\`): ${loss.unreducedShape}`);
  lines.push(`- **Perfect prediction:** ${loss.minimum}`);
  lines.push(`- **Empty classes and ignored pixels:** ${loss.emptyPolicy}`);
  if (loss.needs && loss.needs.length > 0) {
    lines.push(`- **Needs in \`extras\`:** ${loss.needs.map((n) => `\`${n}\``).join(', ')}`);
  }
  if (loss.surveyNote)
    lines.push(`- **Differs from the survey's printed formula:** ${loss.surveyNote}`);
  const sources = loss.sources.map((k: BibKey) => cite(k)).join(' ');
  lines.push(`- **Source:** ${sources}`, '');
  lines.push('| option | type | default | range | meaning |', '|---|---|---|---|---|');
  for (const [name, spec] of Object.entries(loss.options) as [string, OptionSpec][]) {
    const { type, range } = optionText(spec);
    lines.push(
      `| \`${name}\` | ${type} | \`${JSON.stringify(spec.default)}\` | ${cell(range)} | ${cell(spec.doc)} |`,
    );
  }
  lines.push('');
  const entries = Object.entries(parity).filter(([, e]) => e.loss === loss.name);
  if (entries.length > 0 || (loss.parity?.length ?? 0) > 0) {
    lines.push(
      'Reproducing reference implementations (tested against their values and gradients):',
      '',
    );
    lines.push('| reference | call | seglosses options | relation |', '|---|---|---|---|');
    for (const [variant, entry] of entries) {
      const r = references.get(variant);
      const relation =
        (entry.scale ?? 1) === 1 && (entry.offset ?? 0) === 0
          ? 'equal'
          : `reference = ${entry.scale ?? 1}·ours ${(entry.offset ?? 0) < 0 ? '−' : '+'} ${Math.abs(entry.offset ?? 0)}`;
      lines.push(
        `| ${cell(r?.repo ?? variant)} (${r?.requirement ?? '?'}) | \`${cell(r?.call ?? variant)}\` | \`${cell(JSON.stringify(entry.options ?? {}))}\` | ${relation} |`,
      );
    }
    const tested = new Set(entries.map(([v]) => references.get(v)?.call));
    for (const p of loss.parity ?? []) {
      if (tested.has(p.reference)) continue;
      lines.push(
        `| ${cell(p.reference)} (documented) | | \`${cell(JSON.stringify(p.options))}\` | ${cell(p.relation ?? 'equal')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

function lossesMarkdown(losses: LossInfo[]): string {
  const references = oracleReferences();
  const out: string[] = [
    '# Losses',
    '',
    '<!-- Generated by scripts/generate-docs.ts from the registry; do not edit by hand. -->',
    '',
    'Every loss is built with `createLoss(name, options)` and called as `loss(yTrue, yPred, extras?)`:',
    '`yTrue` int32 `[B,H,W]` labels (or float32 one-hot `[B,H,W,C]`), `yPred` float32 logits',
    '`[B,H,W,C]`. The survey (' + cite('azad2023') + ') sorts them into four families.',
    '',
  ];
  for (const family of Object.keys(families) as LossInfo['category'][]) {
    const members = losses.filter((l) => l.category === family);
    if (members.length === 0) continue;
    out.push(`## ${families[family]} losses`, '');
    for (const loss of members) out.push(lossSection(loss, references));
  }
  out.push('## Bibliography', '');
  for (const key of Object.keys(bibliography) as BibKey[]) out.push(`- \`${key}\`: ${cite(key)}`);
  return out.join('\n') + '\n';
}

function readmeTable(losses: LossInfo[]): string {
  const rows = losses.map((l) => {
    const first = bibliography[l.sources[0]];
    const tested = Object.values(parity).filter((e) => e.loss === l.name).length;
    return `| \`${l.name}\` | ${l.category} | ${l.title} | ${first.authors.split(',')[0]} et al. ${first.year} | ${tested} |`;
  });
  return [
    '| name | family | loss | source | reference variants reproduced |',
    '|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

const losses = listLosses();
const docsPath = join(root, 'docs/losses.md');
const readmePath = join(root, 'README.md');
const docs = lossesMarkdown(losses);
const readme = readFileSync(readmePath, 'utf8');
const start = '<!-- losses:start -->';
const end = '<!-- losses:end -->';
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from)
  throw new Error(`generate-docs: README.md must contain ${start} … ${end}`);
const newReadme =
  readme.slice(0, from + start.length) + '\n' + readmeTable(losses) + '\n' + readme.slice(to);

if (check) {
  const stale: string[] = [];
  let current = '';
  try {
    current = readFileSync(docsPath, 'utf8');
  } catch {
    current = '';
  }
  if (current !== docs) stale.push('docs/losses.md');
  if (readme !== newReadme) stale.push('README.md');
  if (stale.length > 0) {
    process.stderr.write(`generate-docs: ${stale.join(' and ')} out of date; run npm run docs\n`);
    process.exit(1);
  }
  process.stdout.write('generate-docs: docs/losses.md and the README loss table are up to date\n');
} else {
  writeFileSync(docsPath, docs);
  writeFileSync(readmePath, newReadme);
  process.stdout.write(
    `generate-docs: wrote docs/losses.md (${losses.length} losses) and README.md\n`,
  );
}
