import { UserError } from '../../platform/errors.js';
import type { Settings } from '../../reconciler/settings/settings.js';

/** The `aws` section of twarc-cloud.yaml, which every use of the AWS target needs. */
export function awsSettings(settings: Settings): NonNullable<Settings['aws']> {
  if (!settings.aws)
    throw new UserError('target aws needs aws.bucket and aws.region in twarc-cloud.yaml', 'add them, or use --target local');
  return settings.aws;
}
