/* The lookup kind, as the desired layer sees it: post ids from a file of the repository, hydrated on a schedule or by hand. */

import { present, type CommonFields } from './collection-fields.js';
import type { DesiredKind } from './desired-kind.js';
import { parseIds, readIdsFile } from './ids-file.js';

export interface LookupCollection extends CommonFields {
  readonly type: 'lookup';
  readonly ids_file: string;
  /** The file's ids, each once, in its order. */
  readonly ids: readonly string[];
  readonly refresh: boolean;
  readonly schedule?: string;
}

interface LookupDocument {
  ids_file?: string;
  refresh?: boolean;
  schedule?: string;
}

export const lookupKind: DesiredKind<LookupCollection> = {
  type: 'lookup',
  template: `# The post ids to hydrate, in a file of this repository (relative to its root): one id a
# line, twarc2 JSONL, or CSV with an id column. Apply stores them in the archive.
ids_file: datasets/ids.txt
# false: a later harvest reads only ids added to the file; true: every harvest reads them all again.
refresh: false
# Optional: when to harvest (UTC), as an EventBridge expression; omit to run it by hand.
# schedule: rate(30 days)`,
  toCollection(doc, common, { root }) {
    const fields = doc as LookupDocument;
    const file = fields.ids_file ?? '';
    const read = readIdsFile(file, root ?? process.cwd());
    const ids = 'text' in read ? parseIds(read.text).ids : [];
    return { ...common, type: 'lookup', ids_file: file, ids, refresh: fields.refresh ?? false, ...present(fields, 'schedule') };
  },
  check(doc, { context, report }) {
    // A suspended collection harvests nothing: its file may come later (the template names one to create).
    if (doc.state === 'suspended') return;
    const file = (doc as LookupDocument).ids_file ?? '';
    const read = readIdsFile(file, context.root ?? process.cwd());
    if ('problem' in read) {
      report('/ids_file', 'lookup/ids-file', read.problem);
      return;
    }
    const parsed = parseIds(read.text);
    if (parsed.badCount > 0) {
      const more = parsed.badCount > parsed.badLines.length ? ` and ${parsed.badCount - parsed.badLines.length} more` : '';
      report('/ids_file', 'lookup/ids-line', `${file}: line ${parsed.badLines.join(', ')}${more} hold no post id; fix or remove them`);
    }
    if (parsed.ids.length === 0) report('/ids_file', 'lookup/no-ids', `${file} holds no post id`);
  },
};
