/**
 * X API credentials of one profile (docs/architecture.md, "Credentials"). Secrets: nothing here is ever logged,
 * stored in the archive or passed as a process argument; `secretValues` lets output be scrubbed.
 */
export interface XCredentials {
  readonly profile: string;
  /** App-only authentication; needed for searches and streams. */
  readonly bearerToken?: string;
  /** User context (OAuth 1.0a), enough for lookups and timelines. */
  readonly userContext?: {
    readonly consumerKey: string;
    readonly consumerSecret: string;
    readonly accessToken: string;
    readonly accessTokenSecret: string;
  };
}

/** The key names twarc2 uses in its config file and environment. */
export const CREDENTIAL_KEYS = ['bearer_token', 'consumer_key', 'consumer_secret', 'access_token', 'access_token_secret'] as const;
export type CredentialKey = (typeof CREDENTIAL_KEYS)[number];

export function secretValues(credentials: XCredentials): string[] {
  const user = credentials.userContext;
  return [credentials.bearerToken, user?.consumerKey, user?.consumerSecret, user?.accessToken, user?.accessTokenSecret].filter(
    (value): value is string => value !== undefined && value !== '',
  );
}

/** Builds credentials from whichever keys a source had; undefined when it had none usable. */
export function credentialsFrom(profile: string, values: Partial<Record<CredentialKey, string>>): XCredentials | undefined {
  const bearerToken = nonEmpty(values.bearer_token);
  const consumerKey = nonEmpty(values.consumer_key);
  const consumerSecret = nonEmpty(values.consumer_secret);
  const accessToken = nonEmpty(values.access_token);
  const accessTokenSecret = nonEmpty(values.access_token_secret);
  const userContext =
    consumerKey !== undefined && consumerSecret !== undefined && accessToken !== undefined && accessTokenSecret !== undefined
      ? { consumerKey, consumerSecret, accessToken, accessTokenSecret }
      : undefined;
  if (bearerToken === undefined && userContext === undefined) return undefined;
  return { profile, ...(bearerToken !== undefined ? { bearerToken } : {}), ...(userContext ? { userContext } : {}) };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
