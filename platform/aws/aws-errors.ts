import { UserError } from '../errors.js';

/** AWS could not be used: unreachable, refused credentials, missing permission, throttled past retries. */
export class AwsUnavailable extends UserError {}

/**
 * The AWS SDK's failures that are the user's to fix, as messages with a fix; undefined for
 * anything else (a bug, reported as one).
 */
export function awsUserError(error: unknown): AwsUnavailable | undefined {
  // Thrown by the SDK's configuration, before any request (and so without $metadata).
  if (error instanceof Error && /^Region (is missing|not accepted)/.test(error.message)) {
    return new AwsUnavailable(
      `AWS needs a region, and none that is valid is configured (${error.message})`,
      'set aws.region in twarc-cloud.yaml, or AWS_REGION in the environment',
    );
  }
  // Only what the AWS SDK threw: it marks its errors with $metadata (the attempts made).
  if (!(error instanceof Error) || !('$metadata' in error || error.name === 'CredentialsProviderError')) return undefined;
  const name = error.name;
  const text = `${name} ${error.message}`;
  if (
    /ExpiredToken|UnrecognizedClient|InvalidClientTokenId|InvalidSignature|SignatureDoesNotMatch|CredentialsProviderError|Could not load credentials/.test(
      text,
    )
  ) {
    return new AwsUnavailable(
      `AWS refused the credentials (${name}): ${error.message}`,
      'refresh them (aws sso login, or new keys) and check which are in effect with: aws sts get-caller-identity',
    );
  }
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError/.test(text)) {
    return new AwsUnavailable(
      `AWS denied an operation (${name}): ${error.message}`,
      'the role running twarc-cloud needs the permissions terraform grants the deployer (deploy/)',
    );
  }
  if (/Throttling|TooManyRequests|RequestLimitExceeded|SlowDown/.test(text)) {
    return new AwsUnavailable(
      `AWS kept throttling requests after retries (${name})`,
      'run again in a minute; nothing half-done is lost, apply converges',
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|TimeoutError|socket hang up/.test(text)) {
    return new AwsUnavailable(`cannot reach AWS: ${error.message}`, 'check the network and aws.region (and AWS_ENDPOINT_URL_* if set)');
  }
  return undefined;
}
