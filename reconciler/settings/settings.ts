import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { relativeToCwd, START_OF_FILE, type Position, type Problem } from '../problems.js';
import { readSourceFile } from '../yaml/read-source-file.js';
import { validateYamlFile } from '../yaml/validated-yaml.js';
import type { YamlSource } from '../yaml/yaml-source.js';
import { DEFAULT_PRICES, type Prices } from '../../platform/billing/prices.js';
import { DEFAULT_ACCESS_LEVEL, X_API_LIMITS, type AccessLevel, type XApiLimits } from '../../platform/x-api/access-levels.js';

/** Deployment settings from twarc-cloud.yaml, with defaults applied and paths made absolute. */
export interface Settings {
  /** The directory holding twarc-cloud.yaml and collections/. */
  readonly root: string;
  readonly deployment: string;
  readonly target: 'local' | 'aws';
  readonly local: { readonly archive: string };
  readonly aws?: { readonly bucket: string; readonly region: string };
  readonly accessLevel: AccessLevel;
  readonly limits: XApiLimits;
  /** Post reads a billing month allows: `x_api.monthly_post_cap`, else the access level's. */
  readonly monthlyPostCap: number;
  /** What the collections may spend a month, where a budget is set. */
  readonly monthlyBudgetUsd?: number;
  readonly prices: Prices;
  readonly maxStops: number;
  readonly collectionsDir: string;
}

export const SETTINGS_FILE = 'twarc-cloud.yaml';
export const COLLECTIONS_DIR = 'collections';

interface SettingsDocument {
  deployment?: string;
  target?: 'local' | 'aws';
  local?: { archive?: string };
  aws?: { bucket: string; region: string };
  x_api?: { access_level?: AccessLevel; monthly_post_cap?: number; monthly_budget_usd?: number; prices?: Partial<Prices> };
  guard?: { max_stops?: number };
}

/** The nearest directory at or above `start` that holds twarc-cloud.yaml, else `start` itself. */
export function findProjectRoot(start: string): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, SETTINGS_FILE))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(start);
    dir = parent;
  }
}

/**
 * Reads twarc-cloud.yaml at `root`. A missing file means all defaults (the local target), so that a
 * fresh clone works; an invalid one is reported and the defaults stand in so other checks still run.
 */
export function loadSettings(root: string, cwd: string = process.cwd()): { settings: Settings; problems: Problem[] } {
  const path = join(root, SETTINGS_FILE);
  let document: SettingsDocument = {};
  let problems: Problem[] = [];
  const file = relativeToCwd(path, cwd);
  const archiveChecked = { inFile: false };
  const archiveCheck = (source: YamlSource): Problem[] => {
    const archive = (source.data as SettingsDocument).local?.archive;
    if (archive === undefined) return [];
    archiveChecked.inFile = true;
    return archiveProblems(file, resolve(root, archive), source.positionOf('/local/archive'));
  };
  if (existsSync(path)) {
    const read = readSourceFile(path, root);
    if ('problem' in read) problems = [{ file, ...START_OF_FILE, ...read.problem, severity: 'error' }];
    else {
      const validated = validateYamlFile(file, read.bytes, 'twarc-cloud', archiveCheck);
      problems = validated.problems;
      if (validated.source) document = validated.source.data as SettingsDocument;
    }
  }
  const accessLevel = document.x_api?.access_level ?? DEFAULT_ACCESS_LEVEL;
  const budget = document.x_api?.monthly_budget_usd;
  const settings: Settings = {
    root,
    deployment: document.deployment ?? 'twarc-cloud',
    target: document.target ?? 'local',
    local: { archive: resolve(root, document.local?.archive ?? './archive') },
    ...(document.aws ? { aws: document.aws } : {}),
    accessLevel,
    limits: X_API_LIMITS[accessLevel],
    monthlyPostCap: document.x_api?.monthly_post_cap ?? X_API_LIMITS[accessLevel].monthlyPostCap,
    ...(budget !== undefined ? { monthlyBudgetUsd: budget } : {}),
    prices: { ...DEFAULT_PRICES, ...document.x_api?.prices },
    maxStops: document.guard?.max_stops ?? 5,
    collectionsDir: join(root, COLLECTIONS_DIR),
  };
  if (!archiveChecked.inFile) problems.push(...archiveProblems(file, settings.local.archive, START_OF_FILE));
  return { settings, problems };
}

function archiveProblems(file: string, archive: string, at: Position): Problem[] {
  if (statSync(archive, { throwIfNoEntry: false })?.isDirectory() !== false) return [];
  return [
    {
      file,
      ...at,
      rule: 'settings/archive-not-a-folder',
      severity: 'error',
      message: `local.archive ${archive} is a file, not a folder; name a folder (it is created if missing)`,
    },
  ];
}
