import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FilterCollection, UserTimelineCollection } from '../../reconciler/desired/collection.js';
import { loadDesiredState } from '../../reconciler/desired/load-collections.js';
import { formatProblem } from '../../reconciler/problems.js';
import { loadSettings } from '../../reconciler/settings/settings.js';
import { tempProject } from '../helpers/temp-project.js';
import { EVERY_TARGETS_NAME_RULES } from '../../targets/targets.js';

async function load(files: Record<string, string>, settingsYaml?: string) {
  const root = tempProject(settingsYaml === undefined ? files : { ...files, 'twarc-cloud.yaml': settingsYaml });
  const { settings, problems: settingsProblems } = loadSettings(root, root);
  assert.deepEqual(settingsProblems, []);
  return loadDesiredState(settings, EVERY_TARGETS_NAME_RULES, [], root);
}

const AWS_SETTINGS = 'target: aws\naws:\n  bucket: research-archive\n  region: us-east-1\n';

const filter = (id: string, extra = ''): string => `id: ${id}\ntype: filter\nrules: [{value: ${id}}]\n${extra}`;

describe('loading collections', () => {
  it('applies defaults and reads unquoted small user ids as strings', async () => {
    const { collections, problems } = await load({
      'collections/people.yaml': 'id: people\ntype: user_timeline\nusers:\n  783214: {screen_name: X}\n',
    });
    assert.deepEqual(problems, []);
    const people = collections[0] as UserTimelineCollection;
    assert.deepEqual(people, {
      id: 'people',
      type: 'user_timeline',
      credentials: 'default',
      state: 'active',
      output: { tweets_per_file: 250000, rotate_minutes: 30 },
      labels: {},
      users: { '783214': { screen_name: 'X' } },
      delete_users_for: [],
    });
  });

  it('compiles track and follow into the filter rules and keeps follow ids as strings', async () => {
    const { collections, problems } = await load({
      'collections/stream.yaml': 'id: stream\ntype: filter\ntrack: [climate]\nfollow: [783214, "2244994945"]\n',
    });
    assert.deepEqual(problems, []);
    const stream = collections[0] as FilterCollection;
    assert.deepEqual(stream.follow, ['783214', '2244994945']);
    assert.deepEqual(stream.rules, [
      { value: 'climate', tag: 'track' },
      {
        value: 'from:783214 OR to:783214 OR retweets_of:783214 OR from:2244994945 OR to:2244994945 OR retweets_of:2244994945',
        tag: 'follow',
      },
    ]);
  });

  it('finds collections in subfolders and accepts .yml', async () => {
    const { collections, files } = await load({
      'collections/a.yaml': filter('a', 'state: suspended\n'),
      'collections/team/b.yml': filter('b', 'state: suspended\n'),
      'collections/README.md': '# not a collection',
      'collections/.hidden.yaml': 'not: checked',
    });
    assert.deepEqual(
      collections.map((c) => c.id),
      ['a', 'b'],
    );
    assert.deepEqual(files, [join('collections', 'a.yaml'), join('collections', 'team', 'b.yml')]);
  });

  it('refuses the same id in two files, naming the first', async () => {
    const { problems } = await load({
      'collections/a.yaml': filter('a', 'state: suspended\n'),
      'collections/old/a.yml': filter('a', 'state: suspended\n'),
    });
    assert.deepEqual(problems.map(formatProblem), ['collections/old/a.yml:1:5: id "a" is already used by collections/a.yaml:1:5']);
  });

  it('on AWS, lets active filter collections share a profile, since they share its stream group service', async () => {
    const { problems } = await load(
      {
        'collections/one.yaml': filter('one', 'credentials: app\n'),
        'collections/two.yaml': filter('two', 'credentials: app\n'),
      },
      AWS_SETTINGS,
    );
    assert.deepEqual(problems, []);
  });

  it('refuses the removed `aws.stream_groups` at its line, saying how a deployment with a stream service per collection moves', () => {
    const root = tempProject({ 'twarc-cloud.yaml': `${AWS_SETTINGS}  stream_groups: false\n` });
    const { problems } = loadSettings(root, root);
    assert.deepEqual(
      problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.rule}`),
      ['twarc-cloud.yaml:5:18 schema/removed'],
    );
    assert.match(
      problems[0]?.message ?? '',
      /was removed in 0\.2\.0: every filter collection now streams in its credentials profile's stream group/,
    );
    assert.match(problems[0]?.message ?? '', /apply once with twarc-cloud 0\.1\.0 first/);
  });

  it('lets filter collections share a profile where they share its stream (local stream groups)', async () => {
    const { problems } = await load({
      'collections/one.yaml': filter('one'),
      'collections/two.yaml': filter('two', 'credentials: default\n'),
    });
    assert.deepEqual(problems, []);
  });

  it("checks a stream group's rules against the access level's count across its collections, at the rule that crosses it", async () => {
    const rules = (prefix: string, count: number): string => Array.from({ length: count }, (_, i) => `  - value: ${prefix}${i}\n`).join('');
    const { problems } = await load(
      {
        'collections/one.yaml': `id: one\ntype: filter\nrules:\n${rules('a', 20)}`,
        // Values the group holds already do not count twice: X keeps one rule per value.
        'collections/two.yaml': `id: two\ntype: filter\nrules:\n${rules('a', 3)}${rules('b', 6)}`,
        'collections/three.yaml': `id: three\ntype: filter\nstate: suspended\nrules:\n${rules('c', 20)}`,
        'collections/four.yaml': `id: four\ntype: filter\ncredentials: other\nrules:\n${rules('d', 20)}`,
      },
      'x_api:\n  access_level: basic\n',
    );
    assert.deepEqual(
      problems.map((p) => `${formatProblem(p)} [${p.rule}]`),
      [
        'collections/two.yaml:12:12: the active filter collections of credentials "default" share one stream, and with this rule they need 26 rules; the access level allows 25 per app [filter/group-rule-count]',
      ],
    );
  });

  it('lets filter collections share a profile when at most one is active', async () => {
    const { problems } = await load({
      'collections/one.yaml': filter('one'),
      'collections/two.yaml': filter('two', 'state: suspended\n'),
      'collections/three.yaml': filter('three', 'credentials: other\n'),
    });
    assert.deepEqual(problems, []);
  });

  it('refuses more stream rules than the access level allows', async () => {
    const rules = Array.from({ length: 26 }, (_, i) => `  - value: keyword${i}\n`).join('');
    const { problems } = await load(
      { 'collections/many.yaml': `id: many\ntype: filter\nrules:\n${rules}` },
      'x_api:\n  access_level: basic\n',
    );
    assert.deepEqual(problems.map(formatProblem), [
      'collections/many.yaml:3:1: the collection compiles to 26 stream rules; basic access allows 25 per app',
    ]);
  });

  it('counts compiled follow rules against the limit', async () => {
    // 1,600 followed accounts compile to more than 25 rules of at most 512 characters.
    const follow = Array.from({ length: 1600 }, (_, i) => `"${1000000 + i}"`).join(', ');
    const { problems } = await load(
      { 'collections/f.yaml': `id: f\ntype: filter\nfollow: [${follow}]\n` },
      'x_api:\n  access_level: basic\n',
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.rule, 'filter/rule-count');
  });

  it('applies the enterprise query length', async () => {
    const query = 'climate '.repeat(100).trim(); // 799 characters: over 512, within 4,096
    const files = { 'collections/s.yaml': `id: s\ntype: search\nquery: "${query}"\n` };
    assert.equal((await load(files)).problems[0]?.rule, 'search/query-length');
    assert.deepEqual((await load(files, 'x_api: {access_level: enterprise}\n')).problems, []);
  });

  it('reports every file, not only the first with errors', async () => {
    const { problems } = await load({
      'collections/a.yaml': 'id: a\ntype: search\n',
      'collections/b.yaml': 'id: b\ntype: search\nquery: x\nschedule: rate(2 day)\n',
      'collections/c.yaml': '- list\n',
    });
    assert.deepEqual(problems.map((p) => p.file).sort(), ['collections/a.yaml', 'collections/b.yaml', 'collections/c.yaml']);
  });
});

describe('loading a large repository', () => {
  it('checks files on worker threads and reports exactly what a file-by-file check would', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 250; i++) {
      const id = `c${String(i).padStart(3, '0')}`;
      files[`collections/${id}.yaml`] = `id: ${id}\ntype: search\nquery: q${i}\nschedule: rate(1 day)\n`;
    }
    files['collections/c017.yaml'] = 'id: c017\ntype: search\nquery: x\nschedule: rate(1 days)\n';
    const rules = (prefix: string): string => Array.from({ length: 13 }, (_, i) => `  - value: ${prefix}${i}\n`).join('');
    files['collections/c230.yaml'] = `id: c230\ntype: filter\nrules:\n${rules('a')}`;
    files['collections/c240.yaml'] = `id: c240\ntype: filter\nrules:\n${rules('b')}`;
    files['collections/zz/c001.yaml'] = 'id: c001\ntype: search\nquery: again\n';
    const { collections, problems } = await load(files, 'x_api:\n  access_level: basic\n');
    assert.equal(collections.length, 250);
    assert.deepEqual(problems.map(formatProblem), [
      'collections/c017.yaml:4:11: use the singular unit for 1: rate(1 day)',
      'collections/zz/c001.yaml:1:5: id "c001" is already used by collections/c001.yaml:1:5',
      'collections/c240.yaml:16:12: the active filter collections of credentials "default" share one stream, and with this rule they need 26 rules; the access level allows 25 per app',
    ]);
  });
});
