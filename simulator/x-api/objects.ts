/*
 * The users, media and places the simulator serves, as X API v2 shapes them; in a demo corpus each
 * says in a field X defines for it that it is simulated.
 */

import { seededRandom } from './seeded-random.js';
import { PLACES } from './sample-data.js';
import { randomToken, wordsOf } from './text.js';

export type UserCondition = 'ok' | 'protected' | 'suspended' | 'not_found';

export interface FakeUser {
  readonly id: string;
  username: string;
  readonly name: string;
  condition: UserCondition;
  readonly createdAt: string;
  readonly demo?: true;
}

/** What every object of a demo corpus says of itself, in a field X defines for the object. */
export const DEMO_MARK = 'twarc-cloud demo: simulated, not X data';

export function userObject(user: FakeUser): Record<string, unknown> {
  // The same every time the user is served, and different from user to user.
  const own = seededRandom(Number(BigInt(user.id) % 4294967291n));
  const skewed = (most: number): number => Math.floor(most * own() ** 3);
  const mark = user.demo ? `${DEMO_MARK}. ` : '';
  return {
    id: user.id,
    name: user.name,
    username: user.username,
    created_at: user.createdAt,
    description: `${mark}Studies the climate. ${wordsOf(user.id, 12)}`,
    entities: {
      description: {
        hashtags: [{ start: mark.length + 4, end: mark.length + 11, tag: 'climate' }],
      },
    },
    location: PLACES[Math.floor(own() * PLACES.length)] ?? '',
    profile_image_url: `https://pbs.twimg.com/profile_images/${1_000_000_000_000_000_000n + BigInt(Math.floor(own() * 1e15))}/${randomToken(own, 8)}_normal.jpg`,
    protected: user.condition === 'protected',
    public_metrics: {
      followers_count: skewed(250_000),
      following_count: skewed(5_000),
      tweet_count: skewed(90_000),
      listed_count: skewed(900),
    },
    url: '',
    verified: false,
    verified_type: 'none',
  };
}

export function mediaObject(key: string, demo: boolean): Record<string, unknown> {
  return {
    media_key: key,
    type: 'photo',
    url: `https://pbs.twimg.com/media/${key}.jpg`,
    width: 1200,
    height: 800,
    alt_text: demo ? `A chart of sea levels (${DEMO_MARK})` : 'A chart of sea levels',
  };
}

export function placeObject(id: string, demo: boolean): Record<string, unknown> {
  return {
    id,
    full_name: demo ? `Manhattan, NY (${DEMO_MARK})` : 'Manhattan, NY',
    name: 'Manhattan',
    country: 'United States',
    country_code: 'US',
    place_type: 'city',
    geo: { type: 'Feature', bbox: [-74.026675, 40.683935, -73.910408, 40.877483], properties: {} },
  };
}
