/*
 * What X charges for the reads twarc-cloud makes, pay-per-use. Defaults as X's "Pricing" page
 * listed them when read (PRICES_AS_OF); X says its prices change, so they are settings
 * (`x_api.prices` in twarc-cloud.yaml), never constants in the code that uses them.
 */

export interface Prices {
  /** Per post returned ("Posts: Read"). */
  readonly post_read: number;
  /** Per user returned ("User: Read"). */
  readonly user_read: number;
  /** Per request to /2/tweets/counts/recent ("Counts: Recent"). */
  readonly counts_recent_request: number;
  /** Per request to /2/tweets/counts/all ("Counts: All"). */
  readonly counts_all_request: number;
}

export const DEFAULT_PRICES: Prices = {
  post_read: 0.005,
  user_read: 0.01,
  counts_recent_request: 0.005,
  counts_all_request: 0.01,
};

export const PRICES_AS_OF = '2026-12';
export const PRICES_SOURCE = 'X developer documentation, "Pricing" (pay-per-use credits)';
