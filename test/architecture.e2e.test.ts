import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../platform/paths.js';
import { tempProject } from './helpers/temp-project.js';

/*
 * The boundaries of docs/architecture.md are checked by dependency-cruiser inside `npm test`
 * (npm run check:boundaries, as is the format, with prettier --check), on the repository itself,
 * before any test runs. These specifications plant each kind of violation in a scratch tree laid
 * out like the repository and show that the same configuration refuses it.
 */
const CONFIG = join(PACKAGE_ROOT, '.dependency-cruiser.cjs');

function cruise(files: Record<string, string>): { status: number | null; output: string } {
  const root = tempProject(files);
  copyFileSync(join(PACKAGE_ROOT, 'tsconfig.json'), join(root, 'tsconfig.json'));
  const folders = [...new Set(Object.keys(files).map((path) => path.split('/')[0] ?? ''))];
  const result = spawnSync(
    process.execPath,
    [join(PACKAGE_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs'), '--config', CONFIG, ...folders],
    { cwd: root, encoding: 'utf8' },
  );
  return { status: result.status, output: result.stdout + result.stderr };
}

function refuses(files: Record<string, string>, rule: string): void {
  const result = cruise(files);
  assert.notEqual(result.status, 0, result.output);
  assert.match(result.output, new RegExp(`error ${rule}:`), result.output);
}

describe("the architecture's boundaries, as the build checks them", () => {
  it('accept a layout that keeps them', () => {
    const result = cruise({
      'platform/shared.ts': 'export const shared = 1;\n',
      'reconciler/uses.ts': "import { shared } from '../platform/shared.js';\nexport const a = shared;\n",
      'harvester/uses.ts': "import { shared } from '../platform/shared.js';\nexport const b = shared;\n",
      'cli/composes.ts': "import { a } from '../reconciler/uses.js';\nimport { b } from '../harvester/uses.js';\nexport const c = a + b;\n",
    });
    assert.equal(result.status, 0, result.output);
  });

  it('refuse platform/ importing a side', () => {
    refuses(
      {
        'reconciler/side.ts': 'export const side = 1;\n',
        'platform/planted.ts': "import { side } from '../reconciler/side.js';\nexport const x = side;\n",
      },
      'platform-is-shared',
    );
  });

  it('refuse the reconciler importing the harvester, and the other way round', () => {
    refuses(
      {
        'harvester/h.ts': 'export const h = 1;\n',
        'reconciler/planted.ts': "import { h } from '../harvester/h.js';\nexport const x = h;\n",
      },
      'reconciler-and-harvester-apart',
    );
    refuses(
      {
        'reconciler/r.ts': 'export const r = 1;\n',
        'harvester/planted.ts': "import { r } from '../reconciler/r.js';\nexport const x = r;\n",
      },
      'reconciler-and-harvester-apart',
    );
  });

  it('refuse curation/ importing the reconciler, and platform/ importing curation/', () => {
    refuses(
      {
        'reconciler/r.ts': 'export const r = 1;\n',
        'curation/planted.ts': "import { r } from '../reconciler/r.js';\nexport const x = r;\n",
      },
      'reconciler-and-harvester-apart',
    );
    refuses(
      {
        'curation/c.ts': 'export const c = 1;\n',
        'platform/planted.ts': "import { c } from '../curation/c.js';\nexport const x = c;\n",
      },
      'platform-is-shared',
    );
  });

  it('refuse the reconciler naming a target adapter: the CLI opens one and passes it down', () => {
    refuses(
      {
        'targets/local/local-target.ts': 'export const local = 1;\n',
        'reconciler/planted.ts': "import { local } from '../targets/local/local-target.js';\nexport const x = local;\n",
      },
      'reconciler-names-no-target',
    );
  });

  it('refuse a target adapter importing the harvester or the CLI', () => {
    refuses(
      {
        'harvester/h.ts': 'export const h = 1;\n',
        'targets/planted.ts': "import { h } from '../harvester/h.js';\nexport const x = h;\n",
      },
      'targets-are-adapters',
    );
    refuses(
      {
        'cli/c.ts': 'export const c = 1;\n',
        'targets/planted.ts': "import { c } from '../cli/c.js';\nexport const x = c;\n",
      },
      'targets-are-adapters',
    );
  });

  it('refuse the simulator reaching into the product, and any part but the CLI reaching the simulator', () => {
    refuses(
      {
        'harvester/h.ts': 'export const h = 1;\n',
        'simulator/x-api/planted.ts': "import { h } from '../../harvester/h.js';\nexport const x = h;\n",
      },
      'simulator-stands-apart',
    );
    refuses(
      {
        'simulator/x-api/server.ts': 'export const server = 1;\n',
        'harvester/planted.ts': "import { server } from '../simulator/x-api/server.js';\nexport const x = server;\n",
      },
      'only-the-demo-simulates',
    );
  });

  it('refuse an I/O import in reconciler/plan/', () => {
    refuses({ 'reconciler/plan/planted.ts': "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n" }, 'plan-is-pure');
  });

  it('refuse an I/O import in reconciler/schedule/, which plan/ may use', () => {
    refuses(
      { 'reconciler/schedule/planted.ts': "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n" },
      'schedule-is-pure',
    );
  });

  it('refuse folders that depend on each other', () => {
    refuses(
      {
        'reconciler/a/one.ts': "import { two } from '../b/two.js';\nexport const one = two;\n",
        'reconciler/b/two.ts': 'export const two = 2;\n',
        'reconciler/b/three.ts': "import { one } from '../a/one.js';\nexport const three = one;\n",
      },
      'no-folder-cycles',
    );
  });

  it("refuse unformatted code: npm test checks the format with the repository's Prettier settings", () => {
    const root = tempProject({ 'harvester/planted.ts': 'export const planted = {a:1,\n  b : "two"}\n' });
    copyFileSync(join(PACKAGE_ROOT, '.prettierrc.json'), join(root, '.prettierrc.json'));
    const prettier = join(PACKAGE_ROOT, 'node_modules', 'prettier', 'bin', 'prettier.cjs');
    const planted = spawnSync(process.execPath, [prettier, '--check', 'harvester/planted.ts'], { cwd: root, encoding: 'utf8' });
    assert.equal(planted.status, 1, planted.stdout + planted.stderr);
  });
});
