/*
 * The archive objects' TypeScript types are generated from schemas/archive/ at build
 * (scripts/generate-archive-types.mjs). A schema edited without a build leaves the types behind;
 * this says so, instead of letting the code compile against what the schema no longer says.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { asCollectionConfig, writeObject } from '../../platform/archive/objects.js';
import { LocalArchiveStore } from '../../platform/archive/local-store.js';
import { PACKAGE_ROOT } from '../../platform/paths.js';
import { tempProject } from '../helpers/temp-project.js';

interface Generator {
  readonly ARCHIVE_TYPES_FILE: string;
  archiveTypesSource(): Promise<string>;
}

describe('the archive types, generated from the schemas', () => {
  it('are what the schemas say now', async () => {
    const generator = (await import(pathToFileURL(join(PACKAGE_ROOT, 'scripts', 'generate-archive-types.mjs')).href)) as Generator;
    assert.equal(readFileSync(generator.ARCHIVE_TYPES_FILE, 'utf8'), await generator.archiveTypesSource(), 'run npm run build');
  });

  it("type a collection config by its type, and its schema refuses one without its type's fields", async () => {
    const store = new LocalArchiveStore(join(tempProject(), 'archive'));
    const fields = {
      format: 'twarc-cloud/collection-config@1' as const,
      id: 's',
      state: 'active' as const,
      credentials: 'default',
      output: { tweets_per_file: 10, rotate_minutes: 5 },
      labels: {},
      rendered_at: '2026-12-07T00:00:00Z',
      changeset: 'c',
    };
    await writeObject(store, 'ok.json', 'collection-config', asCollectionConfig({ ...fields, type: 'search', query: 'x', archive: false }));
    await assert.rejects(
      writeObject(store, 'bad.json', 'collection-config', asCollectionConfig({ ...fields, type: 'search' })),
      /refusing to write an invalid collection-config .*query/,
    );
  });
});
