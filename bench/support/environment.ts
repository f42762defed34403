/**
 * What a benchmark table must state about where it ran: cores, CPU model, load, versions and
 * thread counts; and the Python peer (PyTorch or SciPy at /usr/bin/python3), run as a
 * subprocess that reads a JSON job from a file and prints a JSON result.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs-core';

export const python = '/usr/bin/python3';

/** The load average when the benchmark started (this module is imported first thing). */
const loadAtStart = loadavg();

/** The directory of the Python peer scripts. */
export const peersDir = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'peers');

/** The model name of the first CPU in /proc/cpuinfo, or 'unknown'. */
function cpuModel(): string {
  try {
    const match = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return match === null ? 'unknown' : match[1].trim();
  } catch {
    return 'unknown';
  }
}

export interface PythonPeer {
  /** Version of each module that imported, e.g. { torch: '2.1.0', numpy: '1.26.4' }. */
  readonly versions: Readonly<Record<string, string>>;
  /** Why the peer cannot run, when a module is missing (null when it can). */
  readonly missing: string | null;
}

/** Which of `modules` import under /usr/bin/python3, with their versions. */
export function probePython(modules: readonly string[]): PythonPeer {
  const code =
    'import json, importlib\n' +
    'out = {}\n' +
    `for name in ${JSON.stringify(modules)}:\n` +
    '    try:\n' +
    '        out[name] = importlib.import_module(name).__version__\n' +
    '    except Exception as error:\n' +
    '        out[name] = None\n' +
    'print(json.dumps(out))\n';
  const result = spawnSync(python, ['-c', code], { encoding: 'utf8' });
  if (result.error !== undefined || result.status !== 0) {
    return { versions: {}, missing: `${python} is absent or fails to start` };
  }
  const found = JSON.parse(result.stdout) as Record<string, string | null>;
  const absent = modules.filter((m) => found[m] === null);
  const versions: Record<string, string> = {};
  for (const m of modules) if (found[m] !== null) versions[m] = found[m] as string;
  return {
    versions,
    missing:
      absent.length === 0
        ? null
        : `${python} lacks ${absent.join(', ')} (apt-get install -y python3-torch python3-scipy)`,
  };
}

/**
 * Runs `bench/peers/<script>` with the job file as its argument and parses its stdout as JSON.
 * The peer's stderr (progress lines) goes to ours.
 */
export function runPeer<T>(script: string, jobFile: string, threads: number): T {
  const env = {
    ...process.env,
    OMP_NUM_THREADS: String(threads),
    MKL_NUM_THREADS: String(threads),
    OPENBLAS_NUM_THREADS: String(threads),
  };
  const result = spawnSync(python, [join(peersDir, script), jobFile], {
    encoding: 'utf8',
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20,
  });
  if (result.error !== undefined) throw result.error;
  if (result.status !== 0) {
    throw new Error(`${script}: the peer must exit with 0, got ${result.status}`);
  }
  return JSON.parse(result.stdout) as T;
}

/** One Markdown paragraph describing the machine and the software, for BENCHMARKS.md. */
export function describeEnvironment(
  peer: PythonPeer,
  extra: readonly string[] = [],
  backend?: string,
): string {
  const [one, five] = loadAtStart;
  const versions = Object.entries(peer.versions).map(([name, v]) => `${name} ${v}`);
  const lines = [
    `- machine: ${availableParallelism()} cores (nproc), ${cpuModel()}`,
    `- load average at start: ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min)`,
    `- Node ${process.version}, tfjs-core ${tf.version_core}` +
      (backend === undefined ? '' : `, backend ${backend}`) +
      (versions.length > 0 ? `; Python peer: ${versions.join(', ')}` : ''),
    ...(peer.missing === null ? [] : [`- Python peer not run: ${peer.missing}`]),
    ...extra.map((line) => `- ${line}`),
  ];
  return lines.join('\n');
}

/** The 1-minute load average now, for the end of a run. */
export function loadNow(): string {
  return loadavg()[0].toFixed(2);
}
