import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const made: string[] = [];

/** A throw-away repository directory with the given files (paths relative to its root), removed when the test process exits. */
export function tempProject(files: Record<string, string | Uint8Array> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'twarc-cloud-test-'));
  if (made.length === 0) process.once('exit', removeAll);
  made.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function removeAll(): void {
  for (const root of made) rmSync(root, { recursive: true, force: true });
}
