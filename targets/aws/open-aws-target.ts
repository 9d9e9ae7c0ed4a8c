import { quietAwsSdk } from '../../platform/aws/quiet-sdk.js';
import { UserError } from '../../platform/errors.js';
import { DEPLOYMENT_KEY } from '../../platform/archive/keys.js';
import { readObject } from '../../platform/archive/objects.js';
import { openArchiveStore } from '../../platform/archive/open-store.js';
import type { Settings } from '../../reconciler/settings/settings.js';
import { awsSettings } from './aws-settings.js';
import { AwsTarget } from './aws-target.js';

/** Retries of a throttled or failed AWS request, with the SDK's standard backoff. */
const AWS_MAX_ATTEMPTS = 8;

/** The AWS target of a deployment: its bucket, the resources terraform recorded in deployment.json, and SDK clients. */
export async function openAwsTarget(settings: Settings, actor: string, report: (line: string) => void): Promise<AwsTarget> {
  const { bucket, region } = awsSettings(settings);
  const store = await openArchiveStore(`s3://${bucket}`, { region });
  const deployment = await readObject(store, DEPLOYMENT_KEY, 'deployment');
  if (!deployment)
    throw new UserError(
      `s3://${bucket} has no deployment.json`,
      'create the AWS resources with terraform, which writes it (or check aws.bucket)',
    );
  if (deployment.value.deployment !== settings.deployment) {
    throw new UserError(
      `s3://${bucket} belongs to deployment "${deployment.value.deployment}", and twarc-cloud.yaml names "${settings.deployment}"`,
      'use the bucket of this deployment, or fix the deployment name',
    );
  }
  quietAwsSdk();
  const [{ EventBridgeClient }, { ECSClient }, { EventBridgeSchedules }, { EcsServices }] = await Promise.all([
    import('@aws-sdk/client-eventbridge'),
    import('@aws-sdk/client-ecs'),
    import('./eventbridge-schedules.js'),
    import('./ecs-services.js'),
  ]);
  const config = { region, maxAttempts: AWS_MAX_ATTEMPTS };
  return new AwsTarget(
    store,
    deployment.value,
    new EventBridgeSchedules(new EventBridgeClient(config)),
    new EcsServices(new ECSClient(config)),
    {
      actor,
      stopWaitMs: 120_000,
      report,
      // X sells backfill with Enterprise access only; asked for elsewhere, X would refuse the reconnect.
      backfillMinutes: settings.limits.backfillMinutes,
    },
  );
}
