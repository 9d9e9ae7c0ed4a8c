import { collectionKeys, complianceRunIdOfKey } from './keys.js';
import { listAll, type ArchiveStore } from './store.js';

/**
 * The newest finished compliance run of a collection (a run writes its record last), or undefined
 * when it has none: what --comply goes by, and when `up` last checked the collection.
 */
export async function newestComplianceRun(store: ArchiveStore, collectionId: string): Promise<string | undefined> {
  const keys = collectionKeys(collectionId);
  let newest: string | undefined;
  for await (const object of listAll(store, keys.compliancePrefix)) {
    const runId = complianceRunIdOfKey(object.key);
    if (runId !== undefined && object.key === keys.compliance(runId).record && (newest === undefined || runId > newest)) newest = runId;
  }
  return newest;
}
