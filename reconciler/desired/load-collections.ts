import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { UserError } from '../../platform/errors.js';
import { relativeToCwd, type Problem } from '../problems.js';
import type { Settings } from '../settings/settings.js';
import { toCollection, type Collection } from './collection.js';
import { crossFileProblems, type CheckedCollection } from './cross-file-checks.js';
import { missingProfileMessage, missingProfiles, type ProfileCheck, type ProfileLookup } from './credential-profiles.js';
import type { NameRules } from './name-rules.js';
import { collectionPositions, type FileEntry } from './validate-file.js';
import { validateFiles } from './validate-files.js';

const YAML_EXTENSIONS = new Set(['.yaml', '.yml']);

export interface ValidationResult {
  readonly problems: readonly Problem[];
  readonly files: readonly string[];
}

export interface DesiredState extends ValidationResult {
  /** The valid collections (all of them when `problems` holds no errors). */
  readonly collections: readonly Collection[];
}

/**
 * Loads and validates collection files: the given files and directories, or the project's
 * collections/ folder. Every problem of every file is collected; none stops the others.
 */
export async function loadDesiredState(
  settings: Settings,
  nameRules: NameRules,
  paths: readonly string[] = [],
  cwd: string = process.cwd(),
): Promise<DesiredState> {
  const { problems, files, documents } = await check(settings, nameRules, paths, cwd, true);
  const collections = documents.map((document) =>
    toCollection(document, settings.limits.streamRuleLength, { root: settings.root, target: settings.target }),
  );
  return { collections, problems, files };
}

/** The same checks as loadDesiredState, without building the collections (for `validate`). */
export async function validateDesiredState(
  settings: Settings,
  nameRules: NameRules,
  paths: readonly string[] = [],
  cwd: string = process.cwd(),
  profiles?: ProfileLookup,
): Promise<ValidationResult> {
  const { problems, files } = await check(settings, nameRules, paths, cwd, false, profiles);
  return { problems, files };
}

async function check(
  settings: Settings,
  nameRules: NameRules,
  paths: readonly string[],
  cwd: string,
  keepDocument: boolean,
  profiles?: ProfileLookup,
) {
  const displayPath = (path: string): string => relativeToCwd(path, cwd);
  const found = await collectionFiles(
    paths.length > 0 ? paths.map((p) => resolve(cwd, p)) : [settings.collectionsDir],
    settings.root,
    displayPath,
  );
  const entries = found.map(({ path, within }): FileEntry => [path, displayPath(path), within]);
  const results = await validateFiles(entries, {
    limits: settings.limits,
    accessLevel: settings.accessLevel,
    root: settings.root,
    keepDocument,
  });
  const checked: CheckedCollection[] = results.flatMap(({ file, valid }, index) => {
    if (!valid) return [];
    let positions = valid.positions;
    const entry = entries[index];
    return entry ? [{ file, collection: valid.summary, positions: () => (positions ??= collectionPositions(entry)) }] : [];
  });
  const problems: Problem[] = [
    ...results.flatMap((result) => result.problems),
    ...checked.flatMap((entry) =>
      nameRules(settings.deployment, entry.collection).map(({ rule, message }): Problem => ({
        file: entry.file,
        ...entry.positions().idAt,
        rule,
        message,
        severity: 'error',
      })),
    ),
    ...crossFileProblems(checked, { ruleCount: settings.limits.streamRuleCount }),
    ...(profiles ? missingProfileProblems(checked, await profiles([...new Set(checked.map((c) => c.collection.credentials))])) : []),
  ];
  const documents = results.flatMap(({ valid }) => (valid?.document ? [valid.document] : []));
  return { problems, files: found.map(({ path }) => displayPath(path)), documents };
}

/** A warning at each active collection's `credentials` whose profile the check did not find. */
function missingProfileProblems(checked: readonly CheckedCollection[], profiles: ProfileCheck): Problem[] {
  const uses = checked.map(({ collection }) => ({ id: collection.id, profile: collection.credentials, state: collection.state }));
  const where = 'where' in profiles ? profiles.where : '';
  return missingProfiles(uses, profiles).flatMap(({ profile, ids }) =>
    checked
      .filter(({ collection }) => ids.includes(collection.id) && collection.credentials === profile)
      .map((entry): Problem => ({
        file: entry.file,
        ...entry.positions().credentialsAt,
        rule: 'credentials/undefined-profile',
        message: missingProfileMessage(profile, where),
        severity: 'warning',
      })),
  );
}

/**
 * The files to check: those given, and the YAML files in the folders given. A file found in a folder
 * must resolve inside the repository (or inside that folder, when it is outside the repository).
 */
async function collectionFiles(
  paths: readonly string[],
  root: string,
  displayPath: (path: string) => string,
): Promise<Array<{ path: string; within?: string }>> {
  const files = new Map<string, string | undefined>();
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      throw new UserError(
        `${displayPath(path)} does not exist`,
        'give collection files or directories, or run in a repository with a collections/ folder (twarc-cloud new <type> <id> creates one)',
      );
    }
    const within = path === root || path.startsWith(`${root}${sep}`) ? root : path;
    if (info.isDirectory()) for (const file of await yamlFilesIn(path)) files.set(file, within);
    else if (!files.has(path)) files.set(path, undefined);
  }
  return [...files.keys()].sort().map((path) => {
    const within = files.get(path);
    return within === undefined ? { path } : { path, within };
  });
}

async function yamlFilesIn(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await yamlFilesIn(path)));
    else if (YAML_EXTENSIONS.has(extname(entry.name))) found.push(path);
  }
  return found;
}
