import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { withGeneratedSections } from '../scripts/schema-docs.js';

const read = (path: string): string => readFileSync(join(PACKAGE_ROOT, path), 'utf8');

describe('the repository', () => {
  it('keeps the README field reference in step with the schemas (run `npm run docs` to update)', () => {
    const readme = read('README.md');
    assert.equal(readme, withGeneratedSections(readme));
  });

  it('gives the install-and-demo command, the run command and the test command in the README', () => {
    const readme = read('README.md');
    assert.match(readme, /^npm ci && npx twarc-cloud demo /m);
    assert.match(readme, /^npx twarc-cloud up /m);
    assert.match(readme, /^npm test /m);
  });

  it('runs `npx twarc-cloud` from the repository itself: at once, offline, installing nothing anywhere', () => {
    const cache = mkdtempSync(join(tmpdir(), 'twarc-cloud-npm-cache-'));
    const result = spawnSync('npx', ['--offline', 'twarc-cloud', '--help'], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, npm_config_cache: cache, npm_config_update_notifier: 'false' },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, `${result.stderr}\n(npm ci links the command into node_modules/.bin: scripts/link-bin.ts)`);
    assert.match(result.stdout, /^Usage: twarc-cloud <command>/m);
    assert.equal(existsSync(join(cache, '_npx')), false, 'npx installed the repository into its cache instead of running it');
  });

  it('runs the README test command in CI after a clean install', () => {
    const ci = read('.ci/run');
    assert.match(ci, /^npm ci\b/m);
    assert.match(ci, /^npm test$/m);
  });

  it('ships one suspended example of each collection type, each with the schema modeline', () => {
    const examples = readdirSync(join(PACKAGE_ROOT, 'collections')).filter((name) => name.endsWith('.yaml'));
    const types = examples.map((name) => {
      const text = read(join('collections', name));
      assert.ok(text.startsWith('# yaml-language-server: $schema=../schemas/collection.schema.json\n'), name);
      assert.match(text, /^state: suspended$/m, name);
      return /^type: (\w+)$/m.exec(text)?.[1];
    });
    assert.deepEqual(types.sort(), ['filter', 'search', 'user_timeline']);
  });

  it('documents every field of the collection schema with a description and an example', () => {
    type Node = { description?: string; examples?: unknown[]; properties?: Record<string, Node>; $defs?: Record<string, Node> };
    const schema = JSON.parse(read('schemas/collection.schema.json')) as Node;
    const missing: string[] = [];
    const visit = (node: Node, path: string): void => {
      for (const [name, field] of Object.entries(node.properties ?? {})) {
        const isRef = '$ref' in field;
        if (!isRef && (!field.description || !field.examples?.length)) missing.push(`${path}${name}`);
        visit(field, `${path}${name}.`);
      }
    };
    visit(schema, '');
    for (const [name, def] of Object.entries(schema.$defs ?? {})) visit(def, `$defs.${name}.`);
    assert.deepEqual(missing, []);
  });
});
