/*
 * The event pattern matcher the alert tests rely on, against the rules EventBridge's user guide
 * states, so that "the rule alerts" there means what it would mean in AWS.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchesPattern } from '../helpers/event-pattern.js';

describe('EventBridge event patterns', () => {
  it('matches an array in the event when it intersects the pattern array (the guide\'s "resources" example)', () => {
    const pattern = {
      resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f'],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:x',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    assert.equal(matchesPattern(pattern, event), true);
    assert.equal(matchesPattern(pattern, { resources: ['arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f'] }), false);
  });

  it("requires every field, nested as in the event, and matches any of a field's values", () => {
    const pattern = { source: ['aws.ec2', 'aws.fargate'], detail: { state: ['terminated'] } };
    assert.equal(matchesPattern(pattern, { source: 'aws.fargate', detail: { state: 'terminated', other: 1 } }), true);
    assert.equal(matchesPattern(pattern, { source: 'aws.ec2', state: 'terminated' }), false);
    assert.equal(matchesPattern(pattern, { source: 'aws.ec2', detail: { state: 'running' } }), false);
  });

  it('looks into arrays of objects, and anything-but never matches a field that is absent', () => {
    const pattern = { detail: { containers: { exitCode: [{ 'anything-but': [0] }] } } };
    assert.equal(matchesPattern(pattern, { detail: { containers: [{ exitCode: 0 }, { exitCode: 2 }] } }), true);
    assert.equal(matchesPattern(pattern, { detail: { containers: [{ exitCode: 0 }] } }), false);
    assert.equal(matchesPattern(pattern, { detail: { containers: [{ name: 'never-started' }] } }), false);
  });

  it('supports exists and prefix, and refuses an operator it was not taught', () => {
    assert.equal(matchesPattern({ detail: { stopCode: [{ exists: false }] } }, { detail: {} }), true);
    assert.equal(matchesPattern({ detail: { stopCode: [{ prefix: 'Task' }] } }, { detail: { stopCode: 'TaskFailedToStart' } }), true);
    assert.throws(() => matchesPattern({ n: [{ numeric: ['>', 0] }] }, { n: 1 }), /does not know numeric/);
  });
});
