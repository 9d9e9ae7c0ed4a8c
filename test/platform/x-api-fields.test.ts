/*
 * The harvester asks X for every field and expansion X's OpenAPI description lists, less the
 * exclusions written down with their reasons. The wanted lists are derived here from the fake X
 * API's own copy of X's lists (simulator/x-api/fields.ts), which is kept apart from the
 * harvester's on purpose: a field dropped from the harvester's list fails this test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as harvester from '../../platform/x-api/fields.js';
import * as x from '../../simulator/x-api/fields.js';

const published: Record<harvester.FieldParameter, readonly string[]> = {
  'tweet.fields': x.TWEET_FIELDS,
  'user.fields': x.USER_FIELDS,
  'media.fields': x.MEDIA_FIELDS,
  'poll.fields': x.POLL_FIELDS,
  'place.fields': x.PLACE_FIELDS,
};

const asked: Record<harvester.FieldParameter, readonly string[]> = {
  'tweet.fields': harvester.TWEET_FIELDS,
  'user.fields': harvester.USER_FIELDS,
  'media.fields': harvester.MEDIA_FIELDS,
  'poll.fields': harvester.POLL_FIELDS,
  'place.fields': harvester.PLACE_FIELDS,
};

const sorted = (values: Iterable<string>): string[] => [...values].sort();

describe('the fields the harvester asks X for', () => {
  for (const parameter of Object.keys(published) as harvester.FieldParameter[]) {
    it(`asks for every ${parameter} X lists, less the written exclusions`, () => {
      const excluded = harvester.FIELD_EXCLUSIONS[parameter];
      const wanted = published[parameter].filter((field) => !(field in excluded));
      assert.deepEqual(sorted(asked[parameter]), sorted(wanted));
    });

    it(`excludes only ${parameter} that X lists, each with a reason`, () => {
      for (const [field, reason] of Object.entries(harvester.FIELD_EXCLUSIONS[parameter])) {
        assert.ok(published[parameter].includes(field), `${field} is not one of X's ${parameter}: the exclusion is stale`);
        assert.ok(reason.length > 20, `${field} is excluded without a reason`);
      }
    });
  }

  it('asks for every expansion X lists for posts and for users', () => {
    assert.deepEqual(sorted(harvester.TWEET_EXPANSIONS), sorted(x.TWEET_EXPANSIONS));
    assert.deepEqual(sorted(harvester.USER_EXPANSIONS), sorted(x.USER_EXPANSIONS));
  });

  it('asks for note_tweet, where X keeps the whole text of a post over 280 characters', () => {
    assert.ok(harvester.TWEET_EVERYTHING['tweet.fields']?.split(',').includes('note_tweet'));
    assert.ok(harvester.USER_EVERYTHING['tweet.fields']?.split(',').includes('note_tweet'));
  });

  it('sends each list whole in the query of every endpoint that returns posts or users', () => {
    for (const [parameter, fields] of Object.entries(asked))
      assert.deepEqual(harvester.TWEET_EVERYTHING[parameter]?.split(','), [...fields], parameter);
    assert.deepEqual(harvester.USER_EVERYTHING['expansions']?.split(','), [...harvester.USER_EXPANSIONS]);
    assert.deepEqual(harvester.USER_EVERYTHING['user.fields']?.split(','), [...harvester.USER_FIELDS]);
  });
});
