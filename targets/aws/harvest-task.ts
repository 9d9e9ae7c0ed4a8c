/*
 * What `run --target aws` checks before it starts a harvest task, and where that task's log is: the
 * collection is in the deployment's archive, active, and not being harvested already (a task for a
 * locked collection would only wait for the lock, paying for Fargate meanwhile).
 */
import { UserError } from '../../platform/errors.js';
import { collectionKeys } from '../../platform/archive/keys.js';
import { readObject, type ArchiveObjects } from '../../platform/archive/objects.js';
import type { ArchiveStore } from '../../platform/archive/store.js';

export async function assertHarvestableNow(store: ArchiveStore, id: string): Promise<void> {
  const config = await readObject(store, collectionKeys(id).config, 'collection-config');
  if (!config)
    throw new UserError(
      `collection ${id} is not in the deployment's archive ${store.location}`,
      'apply it first: twarc-cloud apply --target aws',
    );
  if (config.value.state !== 'active')
    throw new UserError(
      `collection ${id} is ${config.value.state}; only active collections are harvested`,
      'set `state: active` in its YAML file and apply',
    );
  const running = await readObject(store, collectionKeys(id).lock, 'lock');
  if (running)
    throw new UserError(
      `collection ${id} is being harvested already (harvest ${running.value.harvest_id}, last heartbeat ${running.value.heartbeat_at})`,
      `twarc-cloud status ${id} --target aws shows its progress`,
    );
}

/** Where a harvest task's log is: CloudWatch Logs group and stream (awslogs names streams prefix/container/task-id). */
export function taskLog(deployment: ArchiveObjects['deployment'], taskArn: string): { group: string; stream: string } | undefined {
  const { log_group: group, log_stream_prefix: prefix, container_name: container } = deployment;
  if (group === undefined || prefix === undefined) return undefined;
  return { group, stream: `${prefix}/${container}/${taskArn.slice(taskArn.lastIndexOf('/') + 1)}` };
}
