/*
 * The fake X API's batch compliance jobs, as X's documentation describes them (see
 * compliance-endpoints.ts), checked on the wire.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertInvalidRequest, BEARER, call, withFake, type Answer } from './wire-check.js';

describe("the fake X API's batch compliance jobs", { timeout: 60_000 }, () => {
  it('runs batch compliance jobs as X documents them: one unfinished job per type, signed storage URLs that take no credentials, results only for ids with events', async () => {
    await withFake({ compliance: { processingMs: 50 } }, async (jobs) => {
      const create = async (body: unknown): Promise<Answer> =>
        call(jobs, 'compliance/jobs', {}, { method: 'POST', body: JSON.stringify(body) });
      assertInvalidRequest(await create({ type: 'posts' }), /type.*tweets,users/);
      const created = await create({ type: 'tweets', name: 'check' });
      assert.equal(created.status, 200);
      const job = created.body['data'] as {
        id: string;
        status: string;
        upload_url: string;
        download_url: string;
        upload_expires_at: string;
        created_at: string;
      };
      assert.equal(job.status, 'created');
      assert.equal(Date.parse(job.upload_expires_at) - Date.parse(job.created_at), 15 * 60_000, 'the upload URL lasts 15 minutes');
      assertInvalidRequest(await create({ type: 'tweets' }), /already an active tweets compliance job/);
      assert.equal((await create({ type: 'users' })).status, 200, 'one of each type at a time');

      jobs.compliance.mark('tweets', '1460000000000000001', 'deleted');
      const withToken = await fetch(job.upload_url, {
        method: 'PUT',
        body: '1\n',
        headers: { authorization: `Bearer ${BEARER}`, 'content-type': 'text/plain' },
      });
      assert.equal(withToken.status, 400, 'storage refuses a signed URL with credentials besides');
      const forged = await fetch(job.upload_url.replace(/Signature=[0-9a-f]+/, 'Signature=00'), { method: 'PUT', body: '1\n' });
      assert.equal(forged.status, 403);
      assert.equal((await fetch(job.download_url)).status, 404, 'no results before the job is complete');
      const upload = await fetch(job.upload_url, {
        method: 'PUT',
        body: '1460000000000000001\n1460000000000000002\n',
        headers: { 'content-type': 'text/plain' },
      });
      assert.equal(upload.status, 200);
      let status = '';
      for (let i = 0; i < 100 && status !== 'complete'; i += 1) {
        status = ((await call(jobs, `compliance/jobs/${job.id}`, {})).body['data'] as { status: string }).status;
        if (status !== 'complete') await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.equal(status, 'complete');
      const lines = (await (await fetch(job.download_url)).text()).trim().split('\n');
      assert.deepEqual(
        lines.map((line) => JSON.parse(line) as Record<string, string>).map((e) => [e['id'], e['action'], e['reason']]),
        [['1460000000000000001', 'delete', 'deleted']],
        'only the ids that have an event',
      );
    });
  });
});
