/* The checks of a kind that reads listed ids and/or snowballs from another collection (conversation, quotes). */

import type { CollectionDocument } from './collection-fields.js';
import type { Report } from './desired-kind.js';

export function checkSnowball(doc: CollectionDocument, listField: string, report: Report): void {
  const listed = doc[listField];
  const from = doc['from_collection'] as { id?: string } | undefined;
  if ((!Array.isArray(listed) || listed.length === 0) && from === undefined && doc.state !== 'suspended')
    report('/type', `${doc.type}/none`, `an active ${doc.type} collection needs \`${listField}\`, \`from_collection\`, or both`);
  if (from?.id === doc.id)
    report('/from_collection/id', `${doc.type}/from-itself`, 'a collection cannot snowball from its own posts; name another collection');
}
