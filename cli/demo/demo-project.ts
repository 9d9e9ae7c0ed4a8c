/*
 * The throw-away project `twarc-cloud demo` runs in: twarc-cloud.yaml, a search, a timeline and a
 * stream collection, and a marker saying the folder is the demo's (so that only a demo folder is
 * ever replaced). The folder ignores itself in git.
 */

import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../platform/errors.js';

const MARKER = '.twarc-cloud-demo';

/** The credentials profile every demo collection names. */
export const DEMO_PROFILE = 'demo';

export interface DemoCollections {
  readonly accounts: ReadonlyArray<{ readonly id: string; readonly username: string }>;
  /** The stream collection stops itself after this many posts. */
  readonly streamPosts: number;
}

/** Writes the demo project at `dir`, replacing an earlier demo there (and nothing else). */
export async function writeDemoProject(dir: string, collections: DemoCollections): Promise<void> {
  if (existsSync(dir)) {
    if (!existsSync(join(dir, MARKER)))
      throw new UserError(`${dir} exists and was not made by the demo; it is left as it is`, 'give the demo another folder with --dir');
    await rm(dir, { recursive: true, force: true });
  }
  await mkdir(join(dir, 'collections'), { recursive: true });
  const files: Record<string, string> = {
    [MARKER]: 'Made by twarc-cloud demo: every post and account in it is simulated. The next demo replaces this folder.\n',
    '.gitignore': '# A demo project: nothing in it belongs in git.\n*\n',
    'twarc-cloud.yaml': SETTINGS,
    'collections/demo-search.yaml': SEARCH,
    'collections/demo-timeline.yaml': timeline(collections.accounts),
    'collections/demo-stream.yaml': stream(collections.streamPosts),
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
}

const SETTINGS = `# yaml-language-server: $schema=../schemas/twarc-cloud.schema.json
# The demo's settings: the embedded local target, its archive in this folder.
deployment: twarc-cloud-demo
target: local
local:
  archive: ./archive
x_api:
  access_level: pay_per_use
  # What the collections may spend a month: plan prices every change against it.
  monthly_budget_usd: 100
`;

const SEARCH = `# A recent search, harvested incrementally: each harvest reads only posts newer than the last.
id: demo-search
type: search
description: Demo - recent posts about the climate, in English, without reposts.
credentials: ${DEMO_PROFILE}
state: active
query: "#climate lang:en -is:retweet"
schedule: rate(6 hours)
labels:
  project: demo
`;

function timeline(accounts: DemoCollections['accounts']): string {
  const users = accounts.map((a) => `  "${a.id}":\n    screen_name: ${a.username}\n`).join('');
  return `# The timelines of a few accounts, each read from where its last harvest stopped.
id: demo-timeline
type: user_timeline
description: Demo - timelines of simulated researchers.
credentials: ${DEMO_PROFILE}
state: active
schedule: cron(0 6 * * ? *)
users:
${users}labels:
  project: demo
`;
}

function stream(posts: number): string {
  return `# A filtered stream: posts matching the rules, live; this one stops itself after ${posts} posts.
id: demo-stream
type: filter
description: Demo - the live stream of climate posts.
credentials: ${DEMO_PROFILE}
state: active
rules:
  - value: "#climate lang:en"
    tag: climate
max_records: ${posts}
labels:
  project: demo
`;
}
