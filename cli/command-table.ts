// The full twarc-cloud command line: every command, each module loaded only when its command runs.
import type { CommandEntry } from './command.js';

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'demo',
    summary: 'Try the whole loop with no X account: a simulated X API, a throw-away project, plan, apply, harvests, export, report.',
    load: async () => (await import('./commands/demo.js')).demoCommand(COMMANDS),
  },
  {
    name: 'validate',
    summary: 'Check collection files (and twarc-cloud.yaml) against the format; report every problem with its line and column.',
    load: async () => (await import('./commands/validate.js')).validateCommand,
  },
  {
    name: 'new',
    summary: 'Write a commented template for a new collection (collections/<id>.yaml).',
    load: async () => (await import('./commands/new.js')).newCommand,
  },
  {
    name: 'plan',
    summary: 'Show what apply would change to make the live system match collections/.',
    load: async () => (await import('./commands/plan.js')).planCommand,
  },
  {
    name: 'apply',
    summary: 'Make the live system match collections/: write configs and changesets, start and stop harvests.',
    load: async () => (await import('./commands/apply.js')).applyCommand,
  },
  {
    name: 'up',
    summary: 'Run collections on this machine: apply collections/ to the local archive, run schedules and streams, follow edits.',
    load: async () => (await import('./commands/up.js')).upCommand,
  },
  {
    name: 'users',
    summary: 'Add accounts to a timeline collection, or bring its file up to date with what harvests found.',
    load: async () => (await import('./commands/users.js')).usersCommand,
  },
  {
    name: 'list',
    summary: 'Every collection: type, desired vs live state, schedule, last harvest and its tweets.',
    load: async () => (await import('./commands/list.js')).listCommand,
  },
  {
    name: 'status',
    summary: "Running harvests, with live counters from their control API or else their lock's heartbeat.",
    load: async () => (await import('./commands/status.js')).statusCommand,
  },
  {
    name: 'last',
    summary: 'The last harvest of a collection: its record (outcome, counts, errors) and the user changes it found.',
    load: async () => (await import('./commands/status.js')).lastCommand,
  },
  {
    name: 'run',
    summary: "Run one harvest of a collection now, on this machine, against its target's archive.",
    load: async () => (await import('./commands/run.js')).runCommand,
  },
  {
    name: 'stop',
    summary: "Stop a collection's running harvest gracefully, on this machine or on AWS; what it collected is stored.",
    load: async () => (await import('./commands/stop.js')).stopCommand,
  },
  {
    name: 'changes',
    summary: "A collection's configuration history from its changesets: what changed, when, by which commit and author.",
    load: async () => (await import('./commands/changes.js')).changesCommand,
  },
  {
    name: 'download',
    summary: 'Fetch a collection from the archive, verify its tweet files against their manifests, resume where it stopped.',
    load: async () => (await import('./commands/download.js')).downloadCommand,
  },
  {
    name: 'export',
    summary: "A collection's tweets as one table (CSV, Parquet, JSON lines), expansions resolved, in twarc-csv's columns.",
    load: async () => (await import('./commands/export.js')).exportCommand,
  },
  {
    name: 'report',
    summary: 'One self-contained HTML report of a collection: volume over time with harvests and gaps, harvest history, top entities.',
    load: async () => (await import('./commands/report.js')).reportCommand,
  },
  {
    name: 'compliance',
    summary:
      "Ask X which of a collection's stored tweets and users were deleted, suspended, protected or deactivated; keep the answer in the archive.",
    load: async () => {
      const [{ complianceCommand }, { TARGET_OR_ARCHIVE }] = await Promise.all([
        import('./commands/compliance.js'),
        import('./commands/reconcile-options.js'),
      ]);
      return complianceCommand(TARGET_OR_ARCHIVE);
    },
  },
  {
    name: 'unlock',
    summary: "Release a collection's stale harvest lock; a live one only with --force.",
    load: async () => (await import('./commands/unlock.js')).unlockCommand,
  },
  {
    name: 'import',
    summary: 'Adopt an original Twarc-Cloud (v1) bucket: write its collections as YAML files, carry over their since_ids.',
    load: async () => (await import('./commands/import.js')).importCommand,
  },
  {
    name: 'credentials',
    summary: 'X API credentials profiles: list them (never their values), check one against the API, push one to SSM.',
    load: async () => (await import('./commands/credentials.js')).credentialsCommand,
  },
  {
    name: 'harvest',
    summary: "Run one harvest of one collection from the archive's collection.json (what schedules and services run).",
    load: async () => {
      const [{ harvestCommand }, { projectArchive }] = await Promise.all([
        import('./commands/harvest.js'),
        import('./commands/reconcile-options.js'),
      ]);
      return harvestCommand(projectArchive);
    },
  },
  {
    name: 'harvest-group',
    summary: 'Stream for every active filter collection of one credentials profile on one connection (what up and stream services run).',
    load: async () => {
      const [{ harvestGroupCommand }, { projectArchive }] = await Promise.all([
        import('./commands/harvest-group.js'),
        import('./commands/reconcile-options.js'),
      ]);
      return harvestGroupCommand(projectArchive);
    },
  },
  {
    name: 'github',
    summary: "For the GitHub Actions workflows: post a plan as the pull request's one comment, or report drift as one issue.",
    load: async () => (await import('./commands/github.js')).githubCommand,
  },
];
