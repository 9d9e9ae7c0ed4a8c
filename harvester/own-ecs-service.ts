/*
 * A stream group runs as the one task of an ECS service, which starts a new task whenever one
 * exits. A group whose members have all stored their max_records ends its own service (desired
 * count 0) before it exits: otherwise ECS would relaunch it for ever. The task role allows
 * UpdateService on the deployment's own services, and nothing else of ECS.
 */

import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { quietAwsSdk } from '../platform/aws/quiet-sdk.js';
import type { JsonLog } from './log.js';

export interface OwnService {
  readonly cluster: string;
  readonly service: string;
}

/** Region, endpoint (AWS_ENDPOINT_URL_ECS) and credentials (the task role) come from the standard AWS configuration. */
export function scaleOwnServiceToZero(own: OwnService): () => Promise<void> {
  return async () => {
    quietAwsSdk();
    const client = new ECSClient({});
    try {
      await client.send(new UpdateServiceCommand({ cluster: own.cluster, service: own.service, desiredCount: 0 }));
    } finally {
      client.destroy();
    }
  };
}

/**
 * Ends the own service once the work is complete, where there is one; says whether it did. A
 * failure is not fatal: a task started again finds its work complete, writes nothing and tries again.
 */
export async function endOwnService(end: (() => Promise<void>) | undefined, log: JsonLog): Promise<boolean> {
  if (!end) return false;
  try {
    await end();
    return true;
  } catch (error) {
    log.warn('could not end its own ECS service after max_records', { problem: error instanceof Error ? error.message : String(error) });
    return false;
  }
}
