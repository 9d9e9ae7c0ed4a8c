/*
 * Talking to the fake X API on the wire, for the specifications of its rules: plain HTTP requests
 * with an app's bearer token, and the shape of X's "Invalid Request" answer.
 */

import assert from 'node:assert/strict';
import { FakeXApi, type Scenario } from '../../simulator/x-api/server.js';

export const BEARER = 'strict-rules-bearer';

export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Record<string, unknown>;
}

export async function call(fake: FakeXApi, path: string, query: Record<string, string>, init: RequestInit = {}): Promise<Answer> {
  const url = `${fake.baseUrl}${path}?${new URLSearchParams(query).toString()}`;
  const response = await fetch(url, { ...init, headers: { authorization: `Bearer ${BEARER}`, 'content-type': 'application/json' } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

function messages(answer: Answer): string[] {
  const errors = (answer.body['errors'] ?? []) as Array<{ message?: string }>;
  return errors.map((e) => e.message ?? '');
}

export function assertInvalidRequest(answer: Answer, message: RegExp): void {
  assert.equal(answer.status, 400, JSON.stringify(answer.body));
  assert.equal(answer.body['title'], 'Invalid Request');
  assert.equal(answer.body['type'], 'https://api.twitter.com/2/problems/invalid-request');
  assert.equal(answer.body['detail'], 'One or more parameters to your request was invalid.');
  assert.ok(
    messages(answer).some((m) => message.test(m)),
    `expected ${String(message)} among ${JSON.stringify(messages(answer))}`,
  );
}

export async function withFake(scenario: Scenario, body: (fake: FakeXApi) => Promise<void>): Promise<void> {
  const fake = await new FakeXApi({ bearerTokens: [BEARER], ...scenario }).start();
  try {
    await body(fake);
  } finally {
    await fake.stop();
  }
}
