/**
 * A temporary folder for tests that write files, removed when the test file finishes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/** Creates a fresh folder under the OS temp dir and registers its removal with `after`. */
export function useTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `seglosses-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
